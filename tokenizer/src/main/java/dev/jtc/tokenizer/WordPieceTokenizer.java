package dev.jtc.tokenizer;

/**
 * BERT's tokenizer, as Hugging Face's BertTokenizerFast: special tokens are cut out of the raw
 * text first (they match case-sensitively and are never split), the rest goes through
 * {@link BertWordSplitter}, and each word becomes the longest vocabulary entries from its start,
 * continuations marked with {@code ##}. A word that cannot be covered, or that is longer than
 * {@code maxInputCharsPerWord} characters, becomes the single unknown token.
 * Immutable and thread-safe.
 */
public final class WordPieceTokenizer extends VocabularyTokenizer {

    private final PrefixTrie trie;
    private final int continuationRoot;
    private final int unknownId;
    private final String continuationPrefix;
    private final int maxInputCharsPerWord;
    private final BertWordSplitter splitter;

    WordPieceTokenizer(Vocabulary vocabulary, String unknownToken, String continuationPrefix, int maxInputCharsPerWord,
                       BertWordSplitter.Options normalization, AddedTokens addedTokens,
                       int[] prefixSpecials, int[] suffixSpecials, int maxLength, String source) {
        int unknownId = vocabulary.id(unknownToken);
        // checked before the lengths, as it always was: a bad file is named before a bad option
        if (unknownId < 0) {
            throw new TokenizerFileException(source + ": the unknown token '" + unknownToken + "' is not in the vocabulary.");
        }
        super(vocabulary, addedTokens, prefixSpecials, suffixSpecials, maxLength);
        this.trie = new PrefixTrie(vocabulary.asMap());
        int contRoot = trie.walk(trie.root(), continuationPrefix);
        // NONE when no token has the prefix: then every word must be one whole token
        this.continuationRoot = continuationPrefix.isEmpty() ? trie.root() : contRoot;
        this.unknownId = unknownId;
        this.continuationPrefix = continuationPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.splitter = new BertWordSplitter(normalization);
    }

    /** Whether text is lower-cased (an "uncased" model). */
    public boolean lowercase() {
        return splitter.options().lowercase();
    }

    @Override
    void encodeBetweenAddedTokens(String text, int start, int end, TokenList out) {
        splitter.split(text, start, end, (chars, length, starts, ends) -> wordPiece(chars, length, starts, ends, out));
    }

    private void wordPiece(char[] chars, int length, int[] starts, int[] ends, TokenList out) {
        if (Character.codePointCount(chars, 0, length) > maxInputCharsPerWord) {
            out.add(unknownId, starts[0], ends[length - 1]);
            return;
        }
        int[] pieceIds = null;
        int pieces = 0;
        int[] pieceEnds = null;
        int start = 0;
        while (start < length) {
            int node = start == 0 ? trie.root() : continuationRoot;
            int bestEnd = -1;
            int bestId = -1;
            for (int i = start; i < length && node != PrefixTrie.NONE; i++) {
                node = trie.child(node, chars[i]);
                if (node != PrefixTrie.NONE && trie.tokenId(node) >= 0) {
                    bestEnd = i + 1;
                    bestId = trie.tokenId(node);
                }
            }
            if (bestId < 0) {
                out.add(unknownId, starts[0], ends[length - 1]);
                return;
            }
            if (pieceIds == null) {
                pieceIds = new int[8];
                pieceEnds = new int[8];
            } else if (pieces == pieceIds.length) {
                pieceIds = java.util.Arrays.copyOf(pieceIds, pieces * 2);
                pieceEnds = java.util.Arrays.copyOf(pieceEnds, pieces * 2);
            }
            pieceIds[pieces] = bestId;
            pieceEnds[pieces++] = bestEnd;
            start = bestEnd;
        }
        int from = 0;
        for (int p = 0; p < pieces; p++) {
            out.add(pieceIds[p], starts[from], ends[pieceEnds[p] - 1]);
            from = pieceEnds[p];
        }
    }

    /**
     * Hugging Face's WordPiece decoder: tokens joined by spaces, a continuation glued to the
     * token before it (its prefix removed, except on the first token), and the spaces before
     * ". ? ! ," removed token by token.
     */
    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (int id : ids) {
            if (skipSpecialTokens && isSpecial(id)) continue;
            String t = token(id);
            if (i != 0) {
                if (!continuationPrefix.isEmpty() && t.startsWith(continuationPrefix)) {
                    t = t.substring(continuationPrefix.length());
                } else {
                    t = " " + t;
                }
            }
            b.append(cleanup(t));
            i++;
        }
        return b.toString();
    }

    private static String cleanup(String t) {
        if (t.length() < 2 || t.indexOf(' ') < 0) return t;
        return t.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

}
