#!/usr/bin/python3
"""Captures PyTorch profiler traces of a small GPT-like model on CUDA GPUs, in the form
`suanli replay` reads: training steps (forward, backward, AdamW; with several ranks under
torchrun, data parallelism whose NCCL all-reduces are in the trace) or inference (a
prefill of the prompt, then token-by-token decode with a KV cache).

    python3 capture_gpt_traces.py --mode train --out traces/train            # one GPU
    torchrun --nproc-per-node 8 capture_gpt_traces.py --mode train --out traces/train_dp8
    python3 capture_gpt_traces.py --mode infer --out traces/infer
    python3 capture_gpt_traces.py --dry-run                                  # the plan, no PyTorch needed

Each rank writes OUT/rank{R}.json (torch.profiler's Chrome trace with record_shapes and,
where the installed PyTorch has them, CUDA synchronisation events). Replay them with
`suanli replay OUT/rank*.json --system dgx-h100 --durations measured|modelled`.
"""
import argparse
import json
import os
import sys


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", choices=["train", "infer"], default="train")
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--hidden", type=int, default=4096)
    p.add_argument("--heads", type=int, default=32)
    p.add_argument("--seq", type=int, default=2048, help="sequence (train) or prompt (infer) length")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--vocab", type=int, default=32000)
    p.add_argument("--decode-tokens", type=int, default=32, help="infer: tokens generated after the prompt")
    p.add_argument("--steps", type=int, default=3, help="profiled steps (after a warm-up step)")
    p.add_argument("--dtype", choices=["bf16", "fp16"], default="bf16")
    p.add_argument("--out", default="traces")
    p.add_argument("--dry-run", action="store_true", help="print the plan and the FLOPs per step; needs no PyTorch")
    return p.parse_args(argv)


def plan(args):
    h, l, s, b = args.hidden, args.layers, args.seq, args.batch
    params = l * 12 * h * h + args.vocab * h
    flops = 6 * params * b * s + l * 12 * b * s * s * h  # forward + backward, attention included
    return {"mode": args.mode, "layers": l, "hidden": h, "heads": args.heads, "seq": s, "batch": b, "dtype": args.dtype,
            "parameters": params, "train_flops_per_step": flops, "ranks": int(os.environ.get("WORLD_SIZE", "1"))}


def main(argv=None):
    args = parse_args(argv)
    if args.dry_run:
        print(json.dumps(plan(args), indent=1))
        return 0
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError:
        print("PyTorch is not installed: this script runs on a machine with CUDA GPUs and PyTorch "
              "(--dry-run prints the plan without it)", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("no CUDA device: traces need a GPU", file=sys.stderr)
        return 2

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    torch.cuda.set_device(local)
    if world > 1:
        torch.distributed.init_process_group("nccl")
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float16

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(args.hidden), nn.LayerNorm(args.hidden)
            self.qkv, self.proj = nn.Linear(args.hidden, 3 * args.hidden), nn.Linear(args.hidden, args.hidden)
            self.fc1, self.fc2 = nn.Linear(args.hidden, 4 * args.hidden), nn.Linear(4 * args.hidden, args.hidden)

        def forward(self, x, cache=None):
            B, T, H = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(H, dim=-1)
            shape = lambda t: t.view(B, -1, args.heads, H // args.heads).transpose(1, 2)
            q, k, v = shape(q), shape(k), shape(v)
            if cache is not None:
                if "k" in cache:
                    k, v = torch.cat([cache["k"], k], dim=2), torch.cat([cache["v"], v], dim=2)
                cache["k"], cache["v"] = k, v
            y = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None or T > 1)
            x = x + self.proj(y.transpose(1, 2).reshape(B, T, H))
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(args.vocab, args.hidden)
            self.blocks = nn.ModuleList(Block() for _ in range(args.layers))
            self.head = nn.Linear(args.hidden, args.vocab, bias=False)

        def forward(self, tokens, caches=None):
            x = self.embed(tokens)
            for i, block in enumerate(self.blocks):
                x = block(x, None if caches is None else caches[i])
            return self.head(x)

    model = GPT().cuda().to(dtype)
    tokens = torch.randint(0, args.vocab, (args.batch, args.seq), device="cuda")
    if args.mode == "train":
        if world > 1:
            model = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local])
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)

        def step():
            loss = F.cross_entropy(model(tokens).float().view(-1, args.vocab), tokens.view(-1))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
    else:
        model.eval()

        @torch.no_grad()
        def step():
            caches = [dict() for _ in range(args.layers)]
            logits = model(tokens, caches)  # prefill
            nxt = logits[:, -1:].argmax(-1)
            for _ in range(args.decode_tokens):
                nxt = model(nxt, caches)[:, -1:].argmax(-1)

    step()  # warm-up outside the profile (allocator, cuBLAS handles, NCCL communicators)
    torch.cuda.synchronize()
    options = {}
    try:  # CUDA event and stream synchronisation records (PyTorch 2.3+), for cross-stream waits
        options["experimental_config"] = torch._C._profiler._ExperimentalConfig(enable_cuda_sync_events=True)
    except (AttributeError, TypeError):
        pass
    activities = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
    with torch.profiler.profile(activities=activities, record_shapes=True, **options) as prof:
        for _ in range(args.steps):
            step()
        torch.cuda.synchronize()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"rank{rank}.json")
    prof.export_chrome_trace(path)
    if rank == 0:
        with open(os.path.join(args.out, "plan.json"), "w") as f:
            json.dump(dict(plan(args), gpu=torch.cuda.get_device_name(), torch=torch.__version__, cuda=torch.version.cuda), f, indent=1)
    print(f"rank {rank}: wrote {path}")
    if world > 1:
        torch.distributed.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
