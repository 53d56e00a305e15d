#!/usr/bin/python3
"""Writes a tiny ONNX model in the YOLOv8 detection export layout, for the onnx step's tests.

input  "images": float32 [1, 3, 64, 64]
output "output0": float32 [1, 4 + 2 classes, 4 anchors]  (cx, cy, w, h in input pixels, then class scores)

The output is a constant (the planted detections below) plus zero times the sum of the input,
so the model depends on its input as a real one does but always answers the same boxes:
  anchor 0: class 0 ("person"), score 0.90, box cx 20, cy 20, w 16, h 24
  anchor 1: class 0, score 0.80, box cx 21, cy 21, w 16, h 24   (overlaps anchor 0: removed by NMS)
  anchor 2: class 1 ("car"),    score 0.70, box cx 44, cy 40, w 20, h 12
  anchor 3: class 1, score 0.10, box cx 50, cy 10, w 8, h 8      (below a 0.25 confidence threshold)

Run with Debian's python3-onnx:  /usr/bin/python3 tools/make_test_yolo_model.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ANCHORS = [
    # cx, cy, w, h, person, car
    (20, 20, 16, 24, 0.90, 0.00),
    (21, 21, 16, 24, 0.80, 0.00),
    (44, 40, 20, 12, 0.00, 0.70),
    (50, 10, 8, 8, 0.00, 0.10),
]


def main(path):
    planted = np.array(ANCHORS, dtype=np.float32).T.reshape(1, 6, len(ANCHORS))
    nodes = [
        helper.make_node("ReduceSum", ["images", "axes"], ["total"], keepdims=0),
        helper.make_node("Mul", ["total", "zero"], ["nothing"]),
        helper.make_node("Add", ["planted", "nothing"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes,
        "planted_yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 6, len(ANCHORS)])],
        initializer=[
            numpy_helper.from_array(np.array([1, 2, 3], dtype=np.int64), "axes"),
            numpy_helper.from_array(np.array([0.0], dtype=np.float32), "zero"),
            numpy_helper.from_array(planted, "planted"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="streaming-tests")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1])
