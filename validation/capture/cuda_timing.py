"""Timing one GPU operation as the capture scripts do: warm-up runs, then each run
between two CUDA events, the median of the repeats in seconds."""


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
