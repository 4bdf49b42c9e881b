package dev.jtc.tokenizer;

import java.util.List;

/**
 * Text to token ids and back, exactly as the Hugging Face tokenizer of the same files.
 * Implementations are immutable after loading and safe to share between threads.
 */
public interface Tokenizer {

    /** Encodes with the special tokens the model expects and truncation at {@link #maxLength()}. */
    default Encoding encode(String text) {
        return encode(text, true, maxLength());
    }

    /**
     * Encodes one text.
     *
     * @param addSpecialTokens whether to add the tokens the model expects around a text (BERT: [CLS] … [SEP])
     * @param maxLength        at most this many tokens, special ones included; the text's tokens are cut at the end
     */
    Encoding encode(String text, boolean addSpecialTokens, int maxLength);

    /** Encodes many texts in parallel; the result is in input order. */
    default List<Encoding> encodeBatch(List<String> texts) {
        return texts.parallelStream().map(this::encode).toList();
    }

    /** Decodes ids to text, keeping special tokens. */
    default String decode(int[] ids) {
        return decode(ids, false);
    }

    String decode(int[] ids, boolean skipSpecialTokens);

    /** The id of a token string, or -1 when the vocabulary has no such token. */
    int tokenId(String token);

    /** The token string of an id. */
    String token(int id);

    /** Number of ids, added tokens included. */
    int vocabularySize();

    /** The model's maximum sequence length (BERT 512, GPT-2 1024 unless the files say otherwise). */
    int maxLength();

    /** Whether the id is one of the special tokens ([CLS], [SEP], [MASK], [PAD], [UNK], &lt;|endoftext|&gt;). */
    boolean isSpecial(int id);
}
