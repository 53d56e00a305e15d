#!/usr/bin/python3
"""Re-sizes a YOLOv8 ONNX detection export (Ultralytics, fixed input size) to another input size.

    /usr/bin/python3 tools/resize_yolo_model.py IN.onnx SIZE OUT.onnx      # Debian: python3-onnx

The network's weights do not depend on the input size (it is convolutional, and its upsampling
is by scale); only four constants of the detection head do, because the exporter baked them for
the size it was given: the anchor points (cell centres of the 8, 16 and 32 pixel grids, in
that order), the stride of each anchor, and the anchor count in two Reshape shapes. This script
recomputes them the way Ultralytics' make_anchors does, for SIZE, after checking that
recomputing them for the model's own size gives back exactly what is in the file (so a model
of another layout is refused rather than silently broken), and sets the input and output
shapes. The result is what `yolo export model=yolov8n.pt format=onnx imgsz=SIZE` writes, without
Python's torch or the .pt weights, which this machine cannot fetch.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

STRIDES = (8, 16, 32)


def anchors(size):
    points, strides = [], []
    for stride in STRIDES:
        cells = size // stride
        ys, xs = np.meshgrid(np.arange(cells, dtype=np.float32) + 0.5, np.arange(cells, dtype=np.float32) + 0.5,
                             indexing="ij")
        points.append(np.stack([xs.reshape(-1), ys.reshape(-1)]))
        strides.append(np.full(cells * cells, stride, dtype=np.float32))
    return np.concatenate(points, axis=1)[None], np.concatenate(strides)[None]


def main(source, size, target):
    if size % 32 or not 64 <= size <= 2048:
        sys.exit("SIZE must be a multiple of 32 between 64 and 2048, got %d" % size)
    model = onnx.load(source)
    graph = model.graph
    dims = [d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    if len(dims) != 4 or dims[2] != dims[3] or dims[2] == 0:
        sys.exit("not a fixed-size [1, 3, S, S] model: input %s" % dims)
    own = dims[2]
    own_points, own_strides = anchors(own)
    count, new_count = own_points.shape[2], anchors(size)[0].shape[2]
    new_points, new_strides = anchors(size)
    found = {"points": 0, "strides": 0, "shapes": 0}
    for init in graph.initializer:
        value = numpy_helper.to_array(init)
        if value.shape == own_points.shape and value.dtype == np.float32:
            if not np.array_equal(value, own_points):
                sys.exit("anchor constant %s is not Ultralytics' make_anchors for %d" % (init.name, own))
            init.CopyFrom(numpy_helper.from_array(new_points, init.name))
            found["points"] += 1
        elif value.shape == own_strides.shape and value.dtype == np.float32:
            if not np.array_equal(value, own_strides):
                sys.exit("stride constant %s does not match the 8/16/32 grids for %d" % (init.name, own))
            init.CopyFrom(numpy_helper.from_array(new_strides, init.name))
            found["strides"] += 1
        elif value.dtype == np.int64 and value.ndim == 1 and len(value) in (3, 4) and value[-1] == count:
            value = value.copy()
            value[-1] = new_count
            init.CopyFrom(numpy_helper.from_array(value, init.name))
            found["shapes"] += 1
    if found != {"points": 1, "strides": 1, "shapes": 2}:
        sys.exit("not a YOLOv8 detection head as expected (found %s)" % found)
    graph.input[0].type.tensor_type.shape.dim[2].dim_value = size
    graph.input[0].type.tensor_type.shape.dim[3].dim_value = size
    graph.output[0].type.tensor_type.shape.dim[2].dim_value = new_count
    del graph.value_info[:]
    for prop in model.metadata_props:
        if prop.key == "imgsz":
            prop.value = "[%d, %d]" % (size, size)
    onnx.checker.check_model(model)
    onnx.save(model, target)
    print("%s: %dx%d input, %d anchors" % (target, size, size, new_count))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
