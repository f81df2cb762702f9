"""What the capture scripts share: PyTorch with a CUDA device, or a clear message why
not; and timing one GPU operation (warm-up runs, then each run between two CUDA events,
the median of the repeats in seconds)."""
import sys


def torch_with_cuda(where="run this on a GPU machine"):
    """PyTorch, or None after saying on stderr why it cannot measure here."""
    try:
        import torch
    except ImportError:
        print(f"PyTorch is not installed: {where}", file=sys.stderr)
        return None
    if not torch.cuda.is_available():
        print("no CUDA device", file=sys.stderr)
        return None
    return torch



def median_seconds(torch, run, repeats, warmup):
    for _ in range(warmup):
        run()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        run()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) * 1e-3)
    return sorted(times)[len(times) // 2]
