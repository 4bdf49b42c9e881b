package dev.jtc.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a tokenizer from its files: a Hugging Face {@code tokenizer.json} (WordPiece or
 * byte-level BPE), GPT-2's {@code vocab.json} + {@code merges.txt}, or BERT's {@code vocab.txt};
 * or from a directory holding them (tried in that order). A bad file gets one sentence naming
 * the file, the line or field, and what was expected ({@link TokenizerFileException}).
 */
public final class Tokenizers {

    static final int BERT_MAX_LENGTH = 512;
    static final int GPT2_MAX_LENGTH = 1024;
    private static final String[] BERT_SPECIALS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    private static final String GPT2_END_OF_TEXT = "<|endoftext|>";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokenizers() {
    }

    /** Loads from a directory or from one file (tokenizer.json, vocab.txt, or vocab.json beside merges.txt). */
    public static Tokenizer load(Path path) {
        return load(path, TokenizerOptions.defaults());
    }

    public static Tokenizer load(Path path, TokenizerOptions options) {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            Path vocabJson = path.resolve("vocab.json");
            Path merges = path.resolve("merges.txt");
            Path vocabTxt = path.resolve("vocab.txt");
            if (Files.isRegularFile(json)) return fromTokenizerJson(json, options);
            if (Files.isRegularFile(vocabJson)) {
                if (!Files.isRegularFile(merges)) {
                    throw new TokenizerFileException(path + " has vocab.json but no merges.txt beside it; byte-level BPE needs both.");
                }
                return bytePair(vocabJson, merges, options);
            }
            if (Files.isRegularFile(vocabTxt)) return wordPiece(vocabTxt, options);
            throw new TokenizerFileException(path + " holds no tokenizer files: expected tokenizer.json, vocab.json with merges.txt, or vocab.txt.");
        }
        if (!Files.exists(path)) throw new TokenizerFileException("no such file or directory: " + path + ".");
        String name = path.getFileName().toString();
        if (name.endsWith(".json") && !name.equals("vocab.json")) return fromTokenizerJson(path, options);
        if (name.equals("vocab.json")) {
            Path merges = path.resolveSibling("merges.txt");
            if (!Files.isRegularFile(merges)) {
                throw new TokenizerFileException(path + " needs merges.txt beside it; byte-level BPE needs both.");
            }
            return bytePair(path, merges, options);
        }
        if (name.equals("merges.txt")) {
            Path vocab = path.resolveSibling("vocab.json");
            if (!Files.isRegularFile(vocab)) {
                throw new TokenizerFileException(path + " needs vocab.json beside it; byte-level BPE needs both.");
            }
            return bytePair(vocab, path, options);
        }
        if (name.endsWith(".txt")) return wordPiece(path, options);
        throw new TokenizerFileException(path + " is not a tokenizer file: expected tokenizer.json, vocab.json (with merges.txt) or vocab.txt.");
    }

    // ---------------------------------------------------------------- WordPiece

    /** BERT's vocab.txt: one token per line, the line number (from 0) is its id. */
    public static WordPieceTokenizer wordPiece(Path vocabTxt, TokenizerOptions options) {
        requireNoPeriodQuirk(options, vocabTxt.toString());
        Map<String, Integer> ids = readVocabTxt(vocabTxt);
        Path config = vocabTxt.resolveSibling("tokenizer_config.json");
        Boolean lowercase = options.lowercase();
        Integer maxLength = options.maxLength();
        Boolean stripAccents = null;
        boolean chinese = true;
        if (Files.isRegularFile(config)) {
            JsonNode c = readJson(config);
            if (lowercase == null && c.path("do_lower_case").isBoolean()) lowercase = c.get("do_lower_case").booleanValue();
            if (c.path("strip_accents").isBoolean()) stripAccents = c.get("strip_accents").booleanValue();
            chinese = c.path("tokenize_chinese_chars").asBoolean(true);
            if (maxLength == null) maxLength = modelMaxLength(c);
        }
        if (lowercase == null) lowercase = !hasUpperCase(ids.keySet());
        var normalization = new BertWordSplitter.Options(true, chinese, stripAccents == null ? lowercase : stripAccents, lowercase);
        return wordPiece(ids, normalization, maxLength == null ? BERT_MAX_LENGTH : maxLength, vocabTxt.toString());
    }

    /** A WordPiece tokenizer from a vocab.txt on the class path or in memory. */
    public static WordPieceTokenizer wordPiece(InputStream vocabTxt, String name, TokenizerOptions options) {
        requireNoPeriodQuirk(options, name);
        Map<String, Integer> ids = readVocabTxt(vocabTxt, name);
        boolean lowercase = options.lowercase() != null ? options.lowercase() : !hasUpperCase(ids.keySet());
        return wordPiece(ids, new BertWordSplitter.Options(true, true, lowercase, lowercase),
                options.maxLength() == null ? BERT_MAX_LENGTH : options.maxLength(), name);
    }

    private static WordPieceTokenizer wordPiece(Map<String, Integer> ids, BertWordSplitter.Options normalization,
                                                int maxLength, String source) {
        Vocabulary vocabulary = new Vocabulary(ids, source);
        List<AddedTokens.AddedToken> added = new ArrayList<>();
        for (String s : BERT_SPECIALS) {
            int id = vocabulary.id(s);
            if (id >= 0) added.add(new AddedTokens.AddedToken(s, id, true, false, false, false));
        }
        int cls = vocabulary.id("[CLS]");
        int sep = vocabulary.id("[SEP]");
        if (cls < 0 || sep < 0) throw new TokenizerFileException(source + ": a BERT vocabulary needs the tokens [CLS] and [SEP].");
        return new WordPieceTokenizer(vocabulary, "[UNK]", "##", 100,
                normalization, new AddedTokens(added),
                new int[]{cls}, new int[]{sep}, maxLength, source);
    }

    private static void requireNoPeriodQuirk(TokenizerOptions options, String source) {
        if (options.periodAsPadToken()) {
            throw new IllegalArgumentException("the '.'-as-pad-token option reproduces a GPT-2 pipeline and applies only to "
                    + "byte-level BPE, not to the WordPiece tokenizer of " + source + ".");
        }
    }

    private static Map<String, Integer> readVocabTxt(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readVocabTxt(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerFileException("no such file: " + file + ".", e);
        } catch (IOException e) {
            throw new TokenizerFileException("cannot read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    private static Map<String, Integer> readVocabTxt(InputStream in, String name) {
        Map<String, Integer> ids = new HashMap<>();
        List<String> lines = lines(in, name);
        for (int line = 0; line < lines.size(); line++) {
            String s = lines.get(line);
            int end = s.length();
            while (end > 0 && UnicodeClasses.isWhiteSpace(s.charAt(end - 1))) end--;
            ids.put(s.substring(0, end), line);
        }
        if (ids.isEmpty()) throw new TokenizerFileException(name + " is empty; expected one WordPiece token per line.");
        // a repeated token keeps its last line, as in Hugging Face; its earlier ids stay without a token
        return ids;
    }

    /** The lines of a UTF-8 text (without a last empty line), with the number of a line that is not UTF-8. */
    private static List<String> lines(InputStream in, String name) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new TokenizerFileException("cannot read " + name + ": " + e.getMessage() + ".", e);
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int line = 1;
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) { // find the line that does not decode
                if (i == bytes.length || bytes[i] == '\n') {
                    try {
                        decoder.decode(java.nio.ByteBuffer.wrap(bytes, start, i - start));
                    } catch (CharacterCodingException bad) {
                        break;
                    }
                    line++;
                    start = i + 1;
                }
            }
            throw new TokenizerFileException(name + " line " + line + ": not UTF-8 text.", e);
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = n;
            int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            out.add(text.substring(start, stop));
            start = end + 1;
        }
        return out;
    }

    /**
     * Whether a vocabulary is cased: it has tokens with ASCII capitals outside the bracketed
     * specials. (Uncased vocabularies keep a few non-ASCII capitals such as U+211D, so those do
     * not count; a cased one has thousands of words like "The".)
     */
    private static boolean hasUpperCase(Iterable<String> tokens) {
        int capitalized = 0;
        for (String t : tokens) {
            if (t.startsWith("[") && t.endsWith("]")) continue;
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    capitalized++;
                    break;
                }
            }
        }
        return capitalized >= 10;
    }

    // ---------------------------------------------------------------- byte-level BPE

    /** GPT-2's vocab.json (token → id) and merges.txt (one merge "a b" per line, by rank). */
    public static BytePairTokenizer bytePair(Path vocabJson, Path mergesTxt, TokenizerOptions options) {
        Map<String, Integer> ids;
        try (InputStream in = Files.newInputStream(vocabJson)) {
            ids = readVocabJson(in, vocabJson.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerFileException("no such file: " + vocabJson + ".", e);
        } catch (IOException e) {
            throw new TokenizerFileException("cannot read " + vocabJson + ": " + e.getMessage() + ".", e);
        }
        List<String[]> merges = readMergesTxt(mergesTxt);
        Integer maxLength = options.maxLength();
        Path config = vocabJson.resolveSibling("tokenizer_config.json");
        if (maxLength == null && Files.isRegularFile(config)) maxLength = modelMaxLength(readJson(config));
        return bytePair(ids, merges, vocabJson.toString(), mergesTxt.toString(),
                options.withMaxLength(maxLength == null ? GPT2_MAX_LENGTH : maxLength));
    }

    private static BytePairTokenizer bytePair(Map<String, Integer> ids, List<String[]> merges, String vocabName,
                                              String mergesName, TokenizerOptions options) {
        Vocabulary vocabulary = new Vocabulary(ids, vocabName);
        MergeTable table = mergeTable(vocabulary, merges, mergesName, Path.of(vocabName).getFileName().toString());
        List<AddedTokens.AddedToken> added = new ArrayList<>();
        int eot = vocabulary.id(GPT2_END_OF_TEXT);
        if (eot >= 0) added.add(new AddedTokens.AddedToken(GPT2_END_OF_TEXT, eot, true, false, false, false));
        AddedTokens addedTokens = new AddedTokens(added);
        if (options.periodAsPadToken()) {
            int period = vocabulary.id(".");
            if (period < 0) throw new TokenizerFileException(vocabName + " has no '.' token, so '.' cannot be the pad token.");
            addedTokens = addedTokens.with(BytePairTokenizer.periodAsPad(period));
        }
        return new BytePairTokenizer(vocabulary, table, addedTokens, false, new int[0], new int[0], options.maxLength());
    }

    /** vocab.json read as a stream of (token, id) pairs: faster than a JSON tree for 50k entries. */
    private static Map<String, Integer> readVocabJson(InputStream in, String name) {
        Map<String, Integer> ids = new HashMap<>(1 << 17);
        try (JsonParser p = JSON.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TokenizerFileException(name + ": expected a JSON object from token to id.");
            }
            for (JsonToken t; (t = p.nextToken()) == JsonToken.FIELD_NAME; ) {
                String token = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw new TokenizerFileException(name + ": the id of token '" + token + "' is not an integer.");
                }
                ids.put(token, p.getIntValue());
            }
        } catch (JsonProcessingException e) {
            throw new TokenizerFileException(name + " is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "") + ".", e);
        } catch (IOException e) {
            throw new TokenizerFileException("cannot read " + name + ": " + e.getMessage() + ".", e);
        }
        if (ids.isEmpty()) throw new TokenizerFileException(name + " has no tokens.");
        return ids;
    }

    /** A BPE tokenizer from vocab.json and merges.txt contents on the class path or in memory. */
    public static BytePairTokenizer bytePair(InputStream vocabJson, InputStream mergesTxt, TokenizerOptions options) {
        Map<String, Integer> ids = readVocabJson(vocabJson, "vocab.json");
        List<String[]> merges = readMergesTxt(mergesTxt, "merges.txt");
        return bytePair(ids, merges, "vocab.json", "merges.txt",
                options.withMaxLength(options.maxLength() == null ? GPT2_MAX_LENGTH : options.maxLength()));
    }

    private static Map<String, Integer> vocabMap(JsonNode v, String name) {
        if (!v.isObject()) throw new TokenizerFileException(name + ": expected a JSON object from token to id.");
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber()) {
                throw new TokenizerFileException(name + ": the id of token '" + e.getKey() + "' is not an integer.");
            }
            ids.put(e.getKey(), e.getValue().intValue());
        }
        if (ids.isEmpty()) throw new TokenizerFileException(name + " has no tokens.");
        return ids;
    }

    private static List<String[]> readMergesTxt(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readMergesTxt(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerFileException("no such file: " + file + ".", e);
        } catch (IOException e) {
            throw new TokenizerFileException("cannot read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    /** Merge pairs in rank order; a first line starting with #version is skipped, as in HF. */
    private static List<String[]> readMergesTxt(InputStream in, String name) {
        List<String[]> merges = new ArrayList<>();
        List<String> lines = lines(in, name);
        int blankAt = -1;
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i);
            int line = i + 1;
            if (line == 1 && s.startsWith("#version")) continue;
            if (s.isEmpty()) {
                if (blankAt < 0) blankAt = line;
                continue;
            }
            if (blankAt >= 0) {
                throw new TokenizerFileException(name + " line " + blankAt + ": empty line; expected a merge \"left right\".");
            }
            int sp = s.indexOf(' ');
            if (sp <= 0 || sp == s.length() - 1 || s.indexOf(' ', sp + 1) >= 0) {
                throw new TokenizerFileException(name + " line " + line
                        + ": expected two tokens separated by one space, found '" + s + "'.");
            }
            merges.add(new String[]{s.substring(0, sp), s.substring(sp + 1), Integer.toString(line)});
        }
        return merges;
    }

    /** Each merge's parts and its result must be vocabulary tokens. */
    private static MergeTable mergeTable(Vocabulary v, List<String[]> merges, String mergesName, String vocabName) {
        int n = merges.size();
        int[] lefts = new int[n];
        int[] rights = new int[n];
        int[] merged = new int[n];
        for (int i = 0; i < n; i++) {
            String[] m = merges.get(i);
            String where = m.length > 2 ? mergesName + " line " + m[2] : mergesName + " merge " + i;
            lefts[i] = v.id(m[0]);
            rights[i] = v.id(m[1]);
            merged[i] = v.id(m[0] + m[1]);
            if (lefts[i] < 0) throw new TokenizerFileException(where + ": token '" + m[0] + "' is not in " + vocabName + ".");
            if (rights[i] < 0) throw new TokenizerFileException(where + ": token '" + m[1] + "' is not in " + vocabName + ".");
            if (merged[i] < 0) {
                throw new TokenizerFileException(where + ": the merged token '" + m[0] + m[1] + "' is not in " + vocabName + ".");
            }
        }
        return new MergeTable(lefts, rights, merged);
    }

    // ---------------------------------------------------------------- tokenizer.json

    /** A Hugging Face tokenizer.json with a WordPiece (BERT) or BPE (byte-level, GPT-2) model. */
    public static Tokenizer fromTokenizerJson(Path file, TokenizerOptions options) {
        JsonNode root = readJson(file);
        String name = file.toString();
        JsonNode model = root.path("model");
        String type = model.path("type").asText("");
        Map<String, Integer> ids = vocabMap(model.path("vocab"), name + " field model.vocab");
        List<AddedTokens.AddedToken> added = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            String content = t.path("content").asText("");
            if (content.isEmpty() || !t.path("id").canConvertToInt()) {
                throw new TokenizerFileException(name + ": every entry of added_tokens needs a non-empty content and an integer id.");
            }
            int id = t.get("id").intValue();
            ids.putIfAbsent(content, id);
            added.add(new AddedTokens.AddedToken(content, id, t.path("special").asBoolean(false),
                    t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false), false));
        }
        Vocabulary vocabulary = new Vocabulary(ids, name);
        int[][] specials = postProcessorSpecials(root.path("post_processor"), vocabulary, name);
        Integer maxLength = options.maxLength();
        Path config = file.resolveSibling("tokenizer_config.json");
        if (maxLength == null && Files.isRegularFile(config)) maxLength = modelMaxLength(readJson(config));
        if (maxLength == null && root.path("truncation").path("max_length").canConvertToInt()) {
            maxLength = root.path("truncation").get("max_length").intValue();
        }
        switch (type) {
            case "WordPiece" -> {
                requireNoPeriodQuirk(options, name);
                JsonNode norm = root.path("normalizer");
                BertWordSplitter.Options o;
                if (norm.isMissingNode() || norm.isNull()) {
                    o = new BertWordSplitter.Options(false, false, false, false);
                } else if (norm.path("type").asText("").equals("BertNormalizer")) {
                    boolean lower = norm.path("lowercase").asBoolean(true);
                    if (options.lowercase() != null) lower = options.lowercase();
                    JsonNode strip = norm.path("strip_accents");
                    boolean stripAccents = strip.isBoolean() ? strip.booleanValue() : lower;
                    o = new BertWordSplitter.Options(norm.path("clean_text").asBoolean(true),
                            norm.path("handle_chinese_chars").asBoolean(true), stripAccents, lower);
                } else {
                    throw new TokenizerFileException(name + ": normalizer '" + norm.path("type").asText()
                            + "' is not supported; a WordPiece tokenizer.json needs BertNormalizer or none.");
                }
                String pre = root.path("pre_tokenizer").path("type").asText("");
                if (!pre.equals("BertPreTokenizer")) {
                    throw new TokenizerFileException(name + ": pre_tokenizer '" + pre
                            + "' is not supported; a WordPiece tokenizer.json needs BertPreTokenizer.");
                }
                return new WordPieceTokenizer(vocabulary, model.path("unk_token").asText("[UNK]"),
                        model.path("continuing_subword_prefix").asText("##"),
                        model.path("max_input_chars_per_word").asInt(100), o, new AddedTokens(added),
                        specials[0], specials[1], maxLength == null ? BERT_MAX_LENGTH : maxLength, name);
            }
            case "BPE" -> {
                JsonNode norm = root.path("normalizer");
                if (!norm.isMissingNode() && !norm.isNull()) {
                    throw new TokenizerFileException(name + ": normalizer '" + norm.path("type").asText()
                            + "' is not supported; a byte-level BPE tokenizer.json must have none.");
                }
                JsonNode pre = root.path("pre_tokenizer");
                if (!pre.path("type").asText("").equals("ByteLevel") || !pre.path("use_regex").asBoolean(true)) {
                    throw new TokenizerFileException(name + ": pre_tokenizer '" + pre.path("type").asText("none")
                            + "' is not supported; a BPE tokenizer.json needs ByteLevel with the GPT-2 pattern.");
                }
                List<String[]> merges = new ArrayList<>();
                int i = 0;
                for (JsonNode m : model.path("merges")) {
                    if (m.isTextual()) {
                        String s = m.textValue();
                        int sp = s.indexOf(' ');
                        if (sp <= 0 || s.indexOf(' ', sp + 1) >= 0) {
                            throw new TokenizerFileException(name + ": model.merges[" + i + "] is '" + s
                                    + "'; expected two tokens separated by one space.");
                        }
                        merges.add(new String[]{s.substring(0, sp), s.substring(sp + 1)});
                    } else if (m.isArray() && m.size() == 2) {
                        merges.add(new String[]{m.get(0).asText(), m.get(1).asText()});
                    } else {
                        throw new TokenizerFileException(name + ": model.merges[" + i + "] must be \"a b\" or [\"a\", \"b\"].");
                    }
                    i++;
                }
                MergeTable table = mergeTable(vocabulary, merges, name + " model.merges", "model.vocab");
                BytePairTokenizer t = new BytePairTokenizer(vocabulary, table, new AddedTokens(added),
                        pre.path("add_prefix_space").asBoolean(false), specials[0], specials[1],
                        maxLength == null ? GPT2_MAX_LENGTH : maxLength);
                return options.periodAsPadToken() ? t.withPeriodAsPadToken() : t;
            }
            default -> throw new TokenizerFileException(name + ": model type '" + type
                    + "' is not supported; expected WordPiece or BPE.");
        }
    }

    /** The special tokens a post-processor puts before and after one sequence. */
    private static int[][] postProcessorSpecials(JsonNode pp, Vocabulary v, String name) {
        String type = pp.path("type").asText("");
        switch (type) {
            case "", "ByteLevel" -> {
                return new int[][]{{}, {}};
            }
            case "BertProcessing", "RobertaProcessing" -> {
                return new int[][]{{pp.path("cls").path(1).asInt()}, {pp.path("sep").path(1).asInt()}};
            }
            case "TemplateProcessing" -> {
                List<Integer> before = new ArrayList<>();
                List<Integer> after = new ArrayList<>();
                boolean seenSequence = false;
                for (JsonNode item : pp.path("single")) {
                    if (item.has("Sequence")) {
                        seenSequence = true;
                    } else if (item.has("SpecialToken")) {
                        String token = item.get("SpecialToken").path("id").asText();
                        JsonNode sp = pp.path("special_tokens").path(token).path("ids");
                        int id = sp.isArray() && sp.size() == 1 ? sp.get(0).asInt() : v.id(token);
                        if (id < 0) throw new TokenizerFileException(name + ": post_processor special token '" + token + "' has no id.");
                        (seenSequence ? after : before).add(id);
                    }
                }
                return new int[][]{before.stream().mapToInt(Integer::intValue).toArray(),
                        after.stream().mapToInt(Integer::intValue).toArray()};
            }
            default -> throw new TokenizerFileException(name + ": post_processor '" + type
                    + "' is not supported; expected TemplateProcessing, BertProcessing, RobertaProcessing or ByteLevel.");
        }
    }

    private static Integer modelMaxLength(JsonNode config) {
        JsonNode m = config.path("model_max_length");
        // HF writes a huge sentinel (1e30) when the length is unknown: ignore it
        if (m.isNumber() && m.doubleValue() >= 1 && m.doubleValue() <= 1_000_000) return m.intValue();
        return null;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new TokenizerFileException(file + " is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "") + ".", e);
        } catch (IOException e) {
            if (!Files.exists(file)) throw new TokenizerFileException("no such file: " + file + ".", e);
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

}
