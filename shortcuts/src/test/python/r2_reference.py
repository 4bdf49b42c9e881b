#!/usr/bin/env python3
"""Independent r² reference for jtc's R2Score tests, written from scikit-learn's documented definition of
r2_score(y_true, y_pred, multioutput='uniform_average', force_finite=True), not from jtc's Java
(scikit-learn itself is not installable here):

  numerator_k   = sum_i (y_true[i,k] - y_pred[i,k])^2
  denominator_k = sum_i (y_true[i,k] - mean_i y_true[i,k])^2
  score_k       = 1 - numerator_k / denominator_k   where denominator_k != 0
                = 1                                  where denominator_k == 0 and numerator_k == 0
                = 0                                  where denominator_k == 0 and numerator_k != 0
  r2            = mean_k score_k

Computed in float64 from the float32 inputs, two passes (mean first), unlike the Java's one shifted pass.

usage: r2_reference.py DIR
  DIR/cases.txt has one line per case, "NAME ROWS WIDTH"; DIR/NAME.true.f32 and DIR/NAME.pred.f32 hold
  the matrices as little-endian float32, row-major. Writes DIR/r2.txt with "NAME SCORE" lines (SCORE in repr).
"""
import os
import sys

import numpy as np


def r2_uniform_average(y_true, y_pred):
    numerator = ((y_true - y_pred) ** 2).sum(axis=0)
    denominator = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    scores = np.ones(y_true.shape[1])
    valid = denominator != 0
    scores[valid] = 1.0 - numerator[valid] / denominator[valid]
    scores[~valid & (numerator != 0)] = 0.0
    return float(scores.mean())


def main():
    directory = sys.argv[1]
    lines = []
    with open(os.path.join(directory, "cases.txt")) as f:
        for line in f:
            if not line.strip():
                continue
            name, rows, width = line.split()
            shape = (int(rows), int(width))
            y_true = np.fromfile(os.path.join(directory, name + ".true.f32"), dtype="<f4").reshape(shape)
            y_pred = np.fromfile(os.path.join(directory, name + ".pred.f32"), dtype="<f4").reshape(shape)
            score = r2_uniform_average(y_true.astype(np.float64), y_pred.astype(np.float64))
            lines.append("%s %r\n" % (name, score))
    with open(os.path.join(directory, "r2.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
