package dev.jtc.spark;

import dev.jtc.shortcuts.corpus.Sample;

import java.io.Serializable;

/** A sample and its row in its split's matrices on the driver (its place in {@code samples.tsv}). */
record IndexedSample(int row, Sample sample) implements Serializable {
}
