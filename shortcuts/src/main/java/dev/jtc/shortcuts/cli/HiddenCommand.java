package dev.jtc.shortcuts.cli;

import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.shortcuts.ModelInput;
import dev.jtc.tokenizer.Encoding;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.DType;
import dev.jtc.weights.safetensors.SafetensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** `jtc hidden`: every tapped site at every position of one text, written as float32 safetensors. */
@Command(name = "hidden", mixinStandardHelpOptions = true,
        description = {
                "Runs one text through the model and writes the hidden states at every position to a safetensors file.",
                "Tensor names (T = tokens, d = hidden size, V = vocabulary):",
                "  embed [T,d]                  layer 0: GPT-2 wte+wpe, BERT the embeddings after their LayerNorm",
                "  layer.B.SITE [T,d]           block B (0-based) at SITE",
                "  final_norm [T,d]             GPT-2 ln_f of the last block; BERT the MLM transform",
                "  logits [T,V]                 vocabulary scores (only when --sites names logits)",
                "GPT-2 sites per block: block_in ln1 attn res1 ln2 mlp block_out (the paper's points 0-6).",
                "BERT sites per block: block_in attn res1 attn_norm mlp res2 block_out (block_out = the layer's output).",
                "Metadata: model, text, token_ids, tokens."})
final class HiddenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--text", required = true, paramLabel = "T", description = "The text to run.")
    String text;

    @Option(names = "--out", required = true, paramLabel = "F", description = "The .safetensors file to write (replaced atomically).")
    Path out;

    @Option(names = "--sites", split = ",", paramLabel = "SITE",
            description = "Which sites to write, comma-separated (default: every site of the model except logits).")
    List<String> sites;

    @Override
    public void run() {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--out: the directory " + parent + " does not exist.");
        }
        Tokenizer tokenizer = model.tokenizer();
        try (Checkpoint ckpt = Checkpoint.open(model.id); Model m = Models.load(ckpt.tensors(), ckpt.config());
             Arena arena = Arena.ofShared()) {
            Set<Site> chosen = chosenSites(m);
            Encoding enc = ModelInput.encode(tokenizer, m, text, "--text");
            int t = enc.size();
            Map<String, SafetensorsWriter.Entry> tensors = new LinkedHashMap<>();
            List<TapRequest> taps = new ArrayList<>();
            for (Site s : chosen) {
                if (s.perBlock()) {
                    for (int b = 0; b < m.layers(); b++) taps.add(new TapRequest(s, b, RowSelection.all(), (site, block, seq, first, rows, width, view) ->
                            keep(tensors, arena, name(site, block), rows, width, view)));
                } else {
                    taps.add(TapRequest.at(s, RowSelection.all(), (site, block, seq, first, rows, width, view) ->
                            keep(tensors, arena, name(site, block), rows, width, view)));
                }
            }
            m.forward(Batch.of(enc.ids()), Hooks.taps(taps));
            // Write in the model's order: embed, then block by block, then the head.
            List<SafetensorsWriter.Entry> ordered = new ArrayList<>();
            for (String n : orderedNames(m, chosen)) ordered.add(tensors.get(n));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", model.id);
            meta.put("text", text);
            StringJoiner ids = new StringJoiner(",");
            StringJoiner toks = new StringJoiner(" ");
            for (int i = 0; i < t; i++) {
                ids.add(Integer.toString(enc.id(i)));
                toks.add(enc.token(i));
            }
            meta.put("token_ids", ids.toString());
            meta.put("tokens", toks.toString());
            SafetensorsWriter.write(out, meta, ordered);
            spec.commandLine().getOut().println("wrote " + ordered.size() + " tensors for " + t + " tokens to " + out);
            spec.commandLine().getOut().flush();
        }
    }

    private Set<Site> chosenSites(Model m) {
        Set<Site> chosen = EnumSet.noneOf(Site.class);
        if (sites == null || sites.isEmpty()) {
            chosen.addAll(m.sites());
            chosen.remove(Site.LOGITS);
            return chosen;
        }
        for (String s : sites) {
            Site site;
            try {
                site = Site.parse(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--sites: " + e.getMessage());
            }
            if (!m.sites().contains(site)) {
                throw new IllegalArgumentException("--sites: " + site.key() + " is not a site of " + m.config().architecture()
                        + "; its sites are " + m.sites().stream().map(Site::key).toList() + ".");
            }
            chosen.add(site);
        }
        return chosen;
    }

    static String name(Site site, int block) {
        return site.perBlock() ? "layer." + block + "." + site.key() : site.key();
    }

    private static List<String> orderedNames(Model m, Set<Site> chosen) {
        List<String> names = new ArrayList<>();
        if (chosen.contains(Site.EMBED)) names.add(name(Site.EMBED, 0));
        for (int b = 0; b < m.layers(); b++) {
            for (Site s : chosen) if (s.perBlock()) names.add(name(s, b));
        }
        if (chosen.contains(Site.FINAL_NORM)) names.add(name(Site.FINAL_NORM, 0));
        if (chosen.contains(Site.LOGITS)) names.add(name(Site.LOGITS, 0));
        return names;
    }

    private static void keep(Map<String, SafetensorsWriter.Entry> tensors, Arena arena, String name, int rows, int width,
                             MemorySegment view) {
        MemorySegment copy = arena.allocate(view.byteSize(), 64);
        MemorySegment.copy(view, 0, copy, 0, view.byteSize());
        tensors.put(name, new SafetensorsWriter.Entry(name, DType.F32, new long[]{rows, width}, copy));
    }
}
