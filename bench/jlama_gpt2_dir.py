#!/usr/bin/env python3
"""Makes the copy of a GPT-2 checkpoint directory that Jlama 0.8.4 loads, for bench/run-peers.

Jlama reads the same model.safetensors (linked, not copied). Its GPT2Tokenizer refuses a directory without a
tokenizer.json, even though the benchmark feeds it token ids: the one written here is a byte-level BPE built from
vocab.json and merges.txt, and only its presence matters. config.json gains "hidden_act": "gelu_pytorch_tanh",
GPT-2's tanh GELU, for Jlama's configs that read that key; 0.8.4's GPT2Config does not, and uses the tanh GELU.

usage: jlama_gpt2_dir.py MODEL_DIR OUT_DIR
"""
import json
import os
import sys


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: jlama_gpt2_dir.py MODEL_DIR OUT_DIR")
    src, out = (os.path.abspath(p) for p in sys.argv[1:])
    for name in ("config.json", "model.safetensors", "vocab.json"):
        if not os.path.isfile(os.path.join(src, name)):
            raise SystemExit("%s: no %s; expected a GPT-2 directory in Hugging Face's layout." % (src, name))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(src, "config.json")) as f:
        config = json.load(f)
    config["hidden_act"] = "gelu_pytorch_tanh"
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f)
    link = os.path.join(out, "model.safetensors")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.join(src, "model.safetensors"), link)
    with open(os.path.join(src, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    merges = []
    merges_path = os.path.join(src, "merges.txt")
    if os.path.isfile(merges_path):
        with open(merges_path, encoding="utf-8") as f:
            merges = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#version")]
    tokenizer = {"version": "1.0", "added_tokens": [], "normalizer": None,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
                 "model": {"type": "BPE", "dropout": None, "unk_token": None, "fuse_unk": False, "byte_fallback": False,
                           "vocab": vocab, "merges": merges}}
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
