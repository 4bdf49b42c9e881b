package dev.jtc.tokenizer;

import java.util.List;

/**
 * What BERT's WordPiece and GPT-2's byte-level BPE share around their own algorithm, kept in one
 * place: added tokens are cut out of the raw text before the model sees it, the model's special
 * tokens go around the result, the text's tokens are truncated to the maximum length, and ids are
 * looked up in one vocabulary. A subclass says only how a stretch of text between added tokens
 * becomes tokens.
 */
abstract sealed class VocabularyTokenizer implements Tokenizer permits BytePairTokenizer, WordPieceTokenizer {

    private static final int[] NO_SPECIALS = new int[0];

    final Vocabulary vocabulary;
    final AddedTokens addedTokens;
    final int[] prefixSpecials;
    final int[] suffixSpecials;
    final int maxLength;
    private final boolean[] special;

    VocabularyTokenizer(Vocabulary vocabulary, AddedTokens addedTokens, int[] prefixSpecials, int[] suffixSpecials,
                        int maxLength) {
        this.vocabulary = vocabulary;
        this.addedTokens = addedTokens;
        this.prefixSpecials = prefixSpecials.clone();
        this.suffixSpecials = suffixSpecials.clone();
        if (maxLength < prefixSpecials.length + suffixSpecials.length) {
            throw new IllegalArgumentException("maximum length " + maxLength + " is too small for the special tokens.");
        }
        this.maxLength = maxLength;
        this.special = new boolean[vocabulary.size()];
        for (AddedTokens.AddedToken t : addedTokens.all()) if (t.special()) special[t.id()] = true;
    }

    /**
     * Appends the tokens of {@code text[start, end)}, a stretch with no added token in it, with
     * their spans in {@code text}.
     */
    abstract void encodeBetweenAddedTokens(String text, int start, int end, TokenList out);

    @Override
    public final Encoding encode(String text, boolean addSpecialTokens, int maxLength) {
        TokenList out = new TokenList();
        String clean = UnicodeClasses.replaceUnpairedSurrogates(text);
        for (AddedTokens.Segment s : addedTokens.split(clean)) {
            if (s.isToken()) {
                out.add(s.tokenId(), s.start(), s.end());
            } else {
                encodeBetweenAddedTokens(clean, s.start(), s.end(), out);
            }
        }
        return out.toEncoding(addSpecialTokens ? prefixSpecials : NO_SPECIALS,
                addSpecialTokens ? suffixSpecials : NO_SPECIALS, maxLength, this::token);
    }

    @Override
    public final int tokenId(String token) {
        return vocabulary.id(token);
    }

    @Override
    public final String token(int id) {
        return vocabulary.token(id);
    }

    @Override
    public final int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public final int maxLength() {
        return maxLength;
    }

    @Override
    public final boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    final List<AddedTokens.AddedToken> addedTokens() {
        return addedTokens.all();
    }
}
