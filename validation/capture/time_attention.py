#!/usr/bin/python3
"""Times attention (torch's scaled_dot_product_attention, held to its FlashAttention-2
backend where this PyTorch has it, else whichever kernel PyTorch picks) forward and
backward over prefill and decode shapes with CUDA events, median of repeats, and writes
a CSV (batch, heads, kv_heads, query, key, head_dim, causal, pass, backend, median_s,
tflops, gpu, torch, cuda). Grouped-query shapes pass K and V with kv_heads heads
(enable_gqa) where this PyTorch has it, else repeated to every head.

    python3 time_attention.py --out attention.csv
    python3 time_attention.py --dry-run
"""
import argparse
import csv
import sys

# (batch, heads, kv_heads, query, key, head_dim, causal)
SHAPES = [(b, 32, 8, s, s, 128, True) for b, s in ((16, 512), (8, 1024), (4, 2048), (2, 4096), (1, 8192), (1, 16384))] + \
         [(b, 16, 16, s, s, 64, True) for b, s in ((8, 1024), (2, 4096))] + \
         [(b, 64, 8, 1, kv, 128, False) for b in (1, 16, 64) for kv in (1024, 4096, 16384)]


def flops(shape, backward):
    b, h, _, q, k, d, causal = shape
    f = 4 * b * h * q * k * d * (0.5 if causal else 1)
    return f * (2.5 if backward else 1)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="attention.csv")
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args(argv)
    if args.dry_run:
        print("\n".join(",".join(map(str, s)) for s in SHAPES))
        return 0
    from cuda_timing import median_seconds, torch_with_cuda
    torch = torch_with_cuda()
    if torch is None:
        return 2
    import torch.nn.functional as F
    import contextlib
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
        flash = lambda: sdpa_kernel([SDPBackend.FLASH_ATTENTION])
    except ImportError:
        flash = None
    try:  # grouped-query attention without repeating K and V (PyTorch 2.5+)
        tiny = torch.zeros(1, 2, 1, 8, device="cuda")
        F.scaled_dot_product_attention(tiny, tiny[:, :1], tiny[:, :1], enable_gqa=True)
        gqa = True
    except (TypeError, RuntimeError):
        gqa = False
    rows = []
    for shape in SHAPES:
        b, h, kvh, q, k, d, causal = shape
        kv = kvh if gqa else h
        query = torch.randn(b, h, q, d, device="cuda", dtype=torch.bfloat16, requires_grad=True)
        key = torch.randn(b, kv, k, d, device="cuda", dtype=torch.bfloat16, requires_grad=True)
        value = torch.randn(b, kv, k, d, device="cuda", dtype=torch.bfloat16, requires_grad=True)
        extra = {"enable_gqa": True} if gqa and kv != h else {}
        for backward in (False, True) if q > 1 else (False,):
            def run(held):
                with held():
                    out = F.scaled_dot_product_attention(query, key, value, is_causal=causal, **extra)
                if backward:
                    out.sum().backward()
            # FlashAttention-2 where it takes the shape; otherwise PyTorch's own choice.
            backend, median = "default", None
            if flash is not None:
                try:
                    backend, median = "flash", median_seconds(torch, lambda: run(flash), args.repeats, warmup=3)
                except RuntimeError as e:
                    print(f"flash attention refused {shape}: {e}", file=sys.stderr)
            if median is None:
                backend, median = "default", median_seconds(torch, lambda: run(contextlib.nullcontext), args.repeats, warmup=3)
            rows.append({"batch": b, "heads": h, "kv_heads": kvh, "query": q, "key": k, "head_dim": d, "causal": causal,
                         "pass": "fwd+bwd" if backward else "fwd", "backend": backend, "median_s": median,
                         "tflops": flops(shape, backward) / median / 1e12, "gpu": torch.cuda.get_device_name(),
                         "torch": torch.__version__, "cuda": torch.version.cuda})
    with open(args.out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
