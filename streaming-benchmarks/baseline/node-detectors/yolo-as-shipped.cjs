/*
 * YOLOv8 pipeline of @good-i-deer/node-red-contrib-object-detection@1.0.3, as shipped.
 *   Source: object-detection-node/object-detection.js (prepareInput, runModel,
 *           processOutput, getDetectedObjects, iou, union, intersection, detectObjectsOnImage)
 *           and object-detection-node/constants.js (YOLO_CLASSES).
 *   Upstream: https://github.com/GOOD-I-DEER/node-red-contrib-object-detection
 *   Licence of that code: GPL-3.0 (package.json "license": "GPL-3.0"), so this file is GPL-3.0.
 *
 * The function bodies below are copied verbatim. Only the Node-RED wrapper is replaced:
 *   - `module.exports = function (RED) { ... yolov8Node(config) ... }` becomes
 *     createYoloPipeline(model, { threshold }) that closes over the same names the code uses
 *     (`ort`, `model`, `config`);
 *   - `model` is an already created ort.InferenceSession passed in (upstream creates it lazily
 *     on the first message with default session options);
 *   - `config.threshold` defaults to 0.5, the default in object-detection.html.
 * The node's other return modes (image buffers, files) and its status/error reporting are left out.
 */
"use strict";

const ort = require("onnxruntime-node");

// ---- constants.js (verbatim) ----
const YOLO_CLASSES = [
    'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
    'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse',
    'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase',
    'frisbee', 'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard',
    'surfboard', 'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
    'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
    'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
    'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush'
];

function createYoloPipeline(model, { threshold = 0.5 } = {}) {
  const config = { threshold };

  // ---- object-detection.js (verbatim from here to the end of the function) ----
    async function detectObjectsOnImage(img) {
      const [input, imgWidth, imgHeight] = await prepareInput(img);
      const output = await runModel(input);
      return processOutput(output, imgWidth, imgHeight);
    }

    async function prepareInput(img) {
      const md = await img.metadata();

      const [imgWidth, imgHeight] = [md.width, md.height];
      const pixels = await img
        .removeAlpha()
        .resize({ width: 640, height: 640, fit: "fill" })
        .raw()
        .toBuffer();

      const red = [];
      const green = [];
      const blue = [];

      for (let index = 0; index < pixels.length; index += 3) {
        red.push(pixels[index] / 255.0);
        green.push(pixels[index + 1] / 255.0);
        blue.push(pixels[index + 2] / 255.0);
      }

      const input = [...red, ...green, ...blue];

      return [input, imgWidth, imgHeight];
    }

    async function runModel(input) {
      input = new ort.Tensor(Float32Array.from(input), [1, 3, 640, 640]);
      const outputs = await model.run({ images: input });
      return outputs["output0"].data;
    }

    function processOutput(output, imgWidth, imgHeight) {
      let boxes = [];
      for (let index = 0; index < 8400; index++) {
        const [classId, prob] = [...Array(80).keys()]
          .map((col) => [col, output[8400 * (col + 4) + index]])
          .reduce((accum, item) => (item[1] > accum[1] ? item : accum), [0, 0]);
        if (prob < config.threshold) {
          continue;
        }
        const label = YOLO_CLASSES[classId];
        const xc = output[index];
        const yc = output[8400 + index];
        const w = output[2 * 8400 + index];
        const h = output[3 * 8400 + index];

        const x1 = ((xc - w / 2) / 640) * imgWidth;
        const y1 = ((yc - h / 2) / 640) * imgHeight;
        const x2 = ((xc + w / 2) / 640) * imgWidth;
        const y2 = ((yc + h / 2) / 640) * imgHeight;
        boxes.push([x1, y1, x2, y2, label, prob]);
      }

      boxes = boxes.sort((box1, box2) => box2[5] - box1[5]);
      let result = [];
      while (boxes.length > 0) {
        result.push(boxes[0]);
        boxes = boxes.filter((box) => iou(boxes[0], box) < 0.7);
      }
      return result;
    }

    function getDetectedObjects(boxes) {
      const result = {};
      boxes.forEach((box) => {
        const info = {
          x: box[0],
          y: box[1],
          w: box[2] - box[0],
          h: box[3] - box[1],
          prob: box[5],
        };

        if (result.hasOwnProperty(box[4]) === false) {
          result[box[4]] = [];
        }
        result[box[4]].push(info);
      });
      return result;
    }

    function iou(box1, box2) {
      return intersection(box1, box2) / union(box1, box2);
    }

    function union(box1, box2) {
      const [box1_x1, box1_y1, box1_x2, box1_y2] = box1;
      const [box2_x1, box2_y1, box2_x2, box2_y2] = box2;
      const box1_area = (box1_x2 - box1_x1) * (box1_y2 - box1_y1);
      const box2_area = (box2_x2 - box2_x1) * (box2_y2 - box2_y1);
      return box1_area + box2_area - intersection(box1, box2);
    }

    function intersection(box1, box2) {
      const [box1_x1, box1_y1, box1_x2, box1_y2] = box1;
      const [box2_x1, box2_y1, box2_x2, box2_y2] = box2;
      const x1 = Math.max(box1_x1, box2_x1);
      const y1 = Math.max(box1_y1, box2_y1);
      const x2 = Math.min(box1_x2, box2_x2);
      const y2 = Math.min(box1_y2, box2_y2);
      return (x2 - x1) * (y2 - y1);
    }
  // ---- end of verbatim code ----

  return { detectObjectsOnImage, prepareInput, runModel, processOutput, getDetectedObjects };
}

module.exports = { createYoloPipeline, YOLO_CLASSES };
