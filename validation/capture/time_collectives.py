#!/usr/bin/python3
"""Times NCCL collectives through torch.distributed the way nccl-tests does (CUDA-event
timing after warm-up, median of repeats; algbw = bytes / time, busbw = algbw x 2(n-1)/n
for all-reduce, x (n-1)/n for all-gather and reduce-scatter), over sizes 1 KiB .. 4 GiB,
and writes rows in the columns of reference/nccl_allreduce.csv plus the GPU and versions.

    torchrun --nproc-per-node 8 time_collectives.py --out allreduce.csv [--op all_reduce]
    python3 time_collectives.py --dry-run
"""
import argparse
import csv
import os
import sys

SIZES = [1 << p for p in range(10, 33, 2)]  # 1 KiB .. 4 GiB


def bus_factor(op, n):
    return 2 * (n - 1) / n if op == "all_reduce" else (n - 1) / n


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--op", choices=["all_reduce", "all_gather", "reduce_scatter"], default="all_reduce")
    p.add_argument("--out", default="collectives.csv")
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args(argv)
    if args.dry_run:
        print("\n".join(f"{args.op},{s}" for s in SIZES))
        return 0
    from cuda_timing import median_seconds, torch_with_cuda
    torch = torch_with_cuda("run this on a GPU machine under torchrun")
    if torch is None:
        return 2
    import torch.distributed as dist
    dist.init_process_group("nccl")
    rank, n = dist.get_rank(), dist.get_world_size()
    torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    rows = []
    for size in SIZES:
        elements = size // 4
        if args.op == "all_reduce":
            buf = torch.ones(elements, device="cuda")
            run = lambda: dist.all_reduce(buf)
        elif args.op == "all_gather":
            part = torch.ones(elements // n, device="cuda")
            out = torch.empty(elements // n * n, device="cuda")
            run = lambda: dist.all_gather_into_tensor(out, part)
        else:
            full = torch.ones(elements // n * n, device="cuda")
            part = torch.empty(elements // n, device="cuda")
            run = lambda: dist.reduce_scatter_tensor(part, full)
        median = median_seconds(torch, run, args.repeats, warmup=5)
        algbw = size / median / 1e9
        rows.append({"op": args.op, "gpus": n, "bytes": size, "time_us": median * 1e6, "algbw_GBps": algbw,
                     "busbw_GBps": algbw * bus_factor(args.op, n), "gpu": torch.cuda.get_device_name(),
                     "torch": torch.__version__, "cuda": torch.version.cuda, "nccl": ".".join(map(str, torch.cuda.nccl.version()))})
    if rank == 0:
        with open(args.out, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.out}")
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
