using System.Diagnostics;
using System.Globalization;
using PriceFeed.Fyers.Socket;
using PriceFeed.Sandbox.Socket;

namespace PriceFeed.Benchmarks;

/// <summary>
/// The data socket's decoder on one core (issue 21): full-mode update records of 5,000 topics as the
/// sandbox writes them, 50 records a frame (FYERS batches records into frames), decoded by
/// <c>HsmDecoder.ReadData</c> into prices as a consumer reads them. Records a second and bytes
/// allocated per record, median of 15 runs. Goal: 2 million records a second, no allocation per record.
/// </summary>
internal static class DecodeBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var topics = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var decoder = new HsmDecoder();
        int[] snapshot = [60640, 3045212, 1690953622, 1690953622, 2081, 903, 60640, 60645, 5, 749960, 1092063, 60820, 1234, 60585, 61050, 62900, 49900, 55820, 68220, 60985, 62020];
        var setup = new HsmFrames.DataFrame(1);
        for (var t = 0; t < topics; t++)
        {
            setup.Snapshot((ushort)t, $"sf|nse_cm|{10000 + t}", snapshot, 1, 2, "NSE", $"{10000 + t}", "X-EQ");
        }

        decoder.ReadData(setup.Done(), static (in HsmRecord _) => { });

        // Two updates a topic, as a busy second brings: last price, volume, times, bid/ask move.
        var frames = new List<byte[]>();
        var random = new Random(21);
        var records = 0;
        var frame = new HsmFrames.DataFrame(2);
        for (var i = 0; i < topics * 2; i++)
        {
            var update = Enumerable.Repeat(HsmFrames.Unchanged, 21).ToArray();
            update[0] = 60000 + random.Next(2000);
            update[1] = 3_000_000 + i;
            update[2] = update[3] = 1_690_953_700 + (i / topics);
            update[6] = update[0] - 5;
            update[7] = update[0];
            frame.Update((ushort)(i % topics), update);
            records++;
            if (frame.Records == 50)
            {
                frames.Add(frame.Done());
                frame = new HsmFrames.DataFrame((uint)(frames.Count + 2));
            }
        }

        if (frame.Records > 0)
        {
            frames.Add(frame.Done());
        }

        decimal sum = 0;
        HsmDecoder.RecordHandler handler = (in HsmRecord r) => sum += r.Price(HsmFields.Ltp) ?? 0;
        foreach (var f in frames)
        {
            decoder.ReadData(f, handler); // warm-up
        }

        var runs = new List<double>();
        var allocated = new List<double>();
        for (var run = 0; run < 15; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            foreach (var f in frames)
            {
                decoder.ReadData(f, handler);
            }

            runs.Add(clock.Elapsed.TotalSeconds);
            allocated.Add((GC.GetAllocatedBytesForCurrentThread() - before) / (double)records);
        }

        runs.Sort();
        allocated.Sort();
        var median = runs[runs.Count / 2];
        var bytes = frames.Sum(f => f.Length);
        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"decode\",\"topics\":{topics},\"records\":{records},\"frames\":{frames.Count},\"bytes\":{bytes},\"median_ms\":{median * 1000:F3},\"records_per_s\":{records / median:F0},\"mb_per_s\":{bytes / median / 1e6:F1},\"allocated_bytes_per_record\":{allocated[allocated.Count / 2]:F3},\"check\":{(sum > 0 ? 1 : 0)}}}"));
        return Task.FromResult(0);
    }
}
