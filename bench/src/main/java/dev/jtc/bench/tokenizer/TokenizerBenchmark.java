package dev.jtc.bench.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.TokenizerOptions;
import dev.jtc.tokenizer.Tokenizers;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tokens per second on the English lines of the default corpus (Europarl), one thread, side by
 * side: our byte-level BPE vs jtokkit (r50k_base = GPT-2) vs Hugging Face tokenizers (Rust, via
 * DJL), and our WordPiece vs Hugging Face tokenizers, all on the same vocabularies. One operation
 * encodes one line; the "tokens" counter is the throughput to compare. Hugging Face's time
 * includes the JNI call, which is what a Java program pays to use it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class TokenizerBenchmark {

    /** Counts tokens; JMH reports it per second beside the operations. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Tokens {
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }

    private List<String> lines;
    private int next;
    private Tokenizer bpe;
    private Tokenizer wordPiece;
    private com.knuddels.jtokkit.api.Encoding jtokkit;
    private HuggingFaceTokenizer hfBpe;
    private HuggingFaceTokenizer hfWordPiece;

    @Setup
    public void load() throws IOException {
        lines = TokenizerFixtures.englishCorpus();
        Path gpt2 = TokenizerFixtures.gpt2Dir();
        Path vocabTxt = TokenizerFixtures.bertVocab();
        bpe = Tokenizers.load(gpt2.resolve("vocab.json"));
        wordPiece = Tokenizers.load(vocabTxt, TokenizerOptions.defaults().withLowercase(true));
        jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        Path tmp = Files.createTempDirectory("jtc-bench-tokenizers");
        Map<String, String> noTruncation = Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true");
        hfBpe = HuggingFaceTokenizer.newInstance(TokenizerFixtures.gpt2TokenizerJson(gpt2, tmp), noTruncation);
        hfWordPiece = HuggingFaceTokenizer.newInstance(TokenizerFixtures.bertTokenizerJson(vocabTxt, tmp), noTruncation);
    }

    @TearDown
    public void close() {
        hfBpe.close();
        hfWordPiece.close();
    }

    private String nextLine() {
        String s = lines.get(next);
        next = next + 1 == lines.size() ? 0 : next + 1;
        return s;
    }

    @Benchmark
    public int bpeJtc(Tokens t) {
        int n = bpe.encode(nextLine(), false, Integer.MAX_VALUE).size();
        t.tokens += n;
        return n;
    }

    @Benchmark
    public int bpeJtokkit(Tokens t) {
        int n = jtokkit.encodeOrdinary(nextLine()).size();
        t.tokens += n;
        return n;
    }

    @Benchmark
    public int bpeHuggingFace(Tokens t) {
        int n = hfBpe.encode(nextLine()).getIds().length;
        t.tokens += n;
        return n;
    }

    @Benchmark
    public int wordPieceJtc(Tokens t) {
        int n = wordPiece.encode(nextLine(), true, Integer.MAX_VALUE).size();
        t.tokens += n;
        return n;
    }

    @Benchmark
    public int wordPieceHuggingFace(Tokens t) {
        int n = hfWordPiece.encode(nextLine()).getIds().length;
        t.tokens += n;
        return n;
    }
}
