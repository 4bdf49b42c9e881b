/**
 * GPT-2's byte-level BPE and BERT's WordPiece, giving the same ids as Hugging Face's tokenizers.
 *
 * <p>Load with {@link dev.jtc.tokenizer.Tokenizers#load(java.nio.file.Path)} from a directory or
 * file: {@code tokenizer.json} (WordPiece with BertNormalizer/BertPreTokenizer, or BPE with the
 * ByteLevel pre-tokenizer), GPT-2's {@code vocab.json} + {@code merges.txt}, or BERT's
 * {@code vocab.txt} (cased or uncased from {@code tokenizer_config.json}'s {@code do_lower_case},
 * else from the vocabulary). Every {@link dev.jtc.tokenizer.Tokenizer} is immutable and
 * thread-safe; there is no global mutable state (the BPE word cache belongs to its instance).
 *
 * <p>Checked against Hugging Face tokenizers (Rust, via DJL) on the Europarl corpus and on hard
 * inputs, and against jtokkit's r50k_base for GPT-2. Decisions worth knowing:
 * <ul>
 *   <li><b>Unpaired surrogates</b> (possible in a Java string, impossible in Rust's) are read as
 *       U+FFFD, as every UTF-8 encoder does. For GPT-2 they become the bytes of U+FFFD and decode
 *       as U+FFFD; BERT's text cleaning then drops them like any U+FFFD. (DJL itself mangles such
 *       strings: it passes the text in modified UTF-8, so it is no reference for them.)</li>
 *   <li><b>Character classes</b> come from the JDK's Unicode tables: White_Space for {@code \s},
 *       general categories for {@code \p{L}}, {@code \p{N}}, P* and the "other" categories. BERT's
 *       text cleaning removes Cc, Cf, Co and Cs but keeps unassigned code points, as the Rust
 *       library does. A character assigned in a newer Unicode version than the Rust library's
 *       tables may be classed differently there.</li>
 *   <li><b>Accent stripping</b> decomposes character by character (NFD, then drop Mn); canonical
 *       reordering across characters is skipped, which matters only for spacing marks with a
 *       non-zero combining class.</li>
 *   <li><b>Added tokens</b> ([CLS], [SEP], [MASK], [PAD], [UNK], &lt;|endoftext|&gt;) are matched in
 *       the raw text, case-sensitively, leftmost-longest; {@code normalized}/{@code single_word}
 *       flags of a tokenizer.json are not applied.</li>
 *   <li><b>The paper's GPT-2 quirk</b> ({@link dev.jtc.tokenizer.TokenizerOptions#periodAsPadToken()},
 *       off by default): the original pipeline's slow transformers GPT2Tokenizer had '.' as its pad
 *       token, a plain string in {@code unique_no_split_tokens}. Its {@code tokenize} (transformers
 *       4.x) splits the text with a trie at every '.', and for a no-split token that is not an
 *       {@code AddedToken} "strips left and right by default": the piece after '.' loses its
 *       leading and the piece before it its trailing whitespace (Python {@code str.isspace}), empty
 *       pieces are dropped, each other piece is tokenized on its own and '.' becomes id 13.
 *       &lt;|endoftext|&gt; is an AddedToken without lstrip/rstrip there and strips nothing.</li>
 * </ul>
 */
package dev.jtc.tokenizer;
