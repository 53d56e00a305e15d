// RetinaFace through retinaface@0.0.6 (MIT, https://github.com/ShirasawaSama/retinaface-js) as shipped:
// its dist/index.js does the NCHW packing, session.run, anchor decoding and NMS in detect().
// The only piece replaced is Retinaface.prototype.processImage, which draws onto a browser canvas
// (OffscreenCanvas / document), neither of which Node has. processImage below is the same
// operation done with sharp.
import Retinaface from 'retinaface';
import sharp from 'sharp';

export { Retinaface };

/**
 * Same result as the package's processImage(image) without the optional crop rect: the image is
 * scaled by min(W/width, H/height), drawn at (0,0) with size (width*scale|0, height*scale|0) into
 * a W x H RGBA canvas that is transparent black elsewhere; returns [imageData-like {data,width,height}, scale].
 * Differences to a browser canvas: sharp's resampling kernel (lanczos3) instead of the browser's
 * image smoothing, and no EXIF auto-orientation (a browser <img> applies it; the frames used here have none).
 */
export async function processImage(input, width = 640, height = 640) {
  const img = sharp(input);
  const md = await img.metadata();
  const scale = Math.min(width / md.width, height / md.height);
  const w = (md.width * scale) | 0;
  const h = (md.height * scale) | 0;
  const data = await img
    .resize({ width: w, height: h, fit: 'fill' })
    .ensureAlpha()
    .extend({ right: width - w, bottom: height - h, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .raw()
    .toBuffer();
  return [{ data, width, height }, scale];
}
