"""Independent reference for the least-squares tests (engine/src/test/java/dev/jtc/engine/linalg).

usage: lstsq_reference.py DIR [--intercept] [--ridge ALPHA]

Reads DIR/x.npy (n x d) and DIR/y.npy (n x m), float64. Solves min ||Y - [X 1] Z||^2 + alpha ||Z[:d]||^2
with numpy.linalg.lstsq in float64 (LAPACK gelsd: SVD, minimum-norm for rank-deficient X; numpy's default
cutoff) on the augmented system [[X 1]; [sqrt(alpha) I 0]] with zero targets below, so the ridge does not
penalise the bias. Writes DIR/z.npy (p x m, p = d or d + 1 with the bias as the last row),
DIR/rss.npy (per column of Y: ||y - [X 1] z||^2 over the data rows only) and DIR/rank.txt (gelsd's rank).
"""
import sys
import numpy as np


def main():
    d = sys.argv[1]
    intercept = "--intercept" in sys.argv
    alpha = float(sys.argv[sys.argv.index("--ridge") + 1]) if "--ridge" in sys.argv else 0.0
    x = np.load(d + "/x.npy")
    y = np.load(d + "/y.npy")
    n, k = x.shape
    a = np.hstack([x, np.ones((n, 1))]) if intercept else x
    b = y
    if alpha > 0:
        pen = np.zeros((k, a.shape[1]))
        pen[:, :k] = np.sqrt(alpha) * np.eye(k)
        a = np.vstack([a, pen])
        b = np.vstack([y, np.zeros((k, y.shape[1]))])
    z, _, rank, _ = np.linalg.lstsq(a, b, rcond=None)
    fit = (np.hstack([x, np.ones((n, 1))]) if intercept else x) @ z
    np.save(d + "/z.npy", z)
    np.save(d + "/rss.npy", ((y - fit) ** 2).sum(axis=0))
    with open(d + "/rank.txt", "w") as f:
        f.write(str(int(rank)))


if __name__ == "__main__":
    main()
