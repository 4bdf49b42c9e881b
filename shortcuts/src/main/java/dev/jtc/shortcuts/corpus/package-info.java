/**
 * The sentences {@code jtc fit} learns its shortcuts from: corpora (Europarl from Maven, or the user's
 * files), sentence splitting, the paper's sampling of one sentence and one position per document, the
 * train/validation split, and {@code samples.tsv}.
 */
package dev.jtc.shortcuts.corpus;
