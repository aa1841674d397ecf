using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using PriceFeed.Lake;

namespace PriceFeed.Benchmarks;

/// <summary>
/// Bytes per stored 1-minute bar in a lake, each beside its anchor measured in the same run on the
/// same rows: DuckDB's own Parquet (zstd) of the lake's rows, the rows as gzipped CSV, and the plain
/// CSV and JSON lines a script would write. Target: at most 16 B/bar.
/// </summary>
internal static class StorageBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var lake = args[0];
        var sink = new LocalDataSink(lake);
        var keys = (await sink.ListAsync(LakeKeys.CandlesOf("1"), CancellationToken.None)).Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)).ToList();
        long parquetBytes = 0;
        long rows = 0;
        long csvBytes = 0;
        long jsonBytes = 0;
        using var gzipped = new CountingStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
        {
            var header = Encoding.UTF8.GetBytes("symbol,resolution,ts_utc,open,high,low,close,volume,source\n");
            await gzip.WriteAsync(header);
            csvBytes += header.Length;
            foreach (var key in keys)
            {
                var bytes = (await sink.ReadAsync(key, CancellationToken.None))!;
                parquetBytes += bytes.Length;
                var candles = await CandleParquet.ReadAsync(bytes, CancellationToken.None);
                rows += candles.Count;
                var csv = new StringBuilder();
                using var json = new MemoryStream();
                foreach (var c in candles)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{c.Symbol},{c.Resolution},{c.Start:yyyy-MM-ddTHH:mm:ssZ},{c.Open},{c.High},{c.Low},{c.Close},{c.Volume},{c.Source}\n");
                    await using (var w = new Utf8JsonWriter(json))
                    {
                        w.WriteStartObject();
                        w.WriteString("symbol", c.Symbol);
                        w.WriteString("resolution", c.Resolution);
                        w.WriteNumber("ts_utc", c.TsUtc);
                        w.WriteNumber("open", c.Open);
                        w.WriteNumber("high", c.High);
                        w.WriteNumber("low", c.Low);
                        w.WriteNumber("close", c.Close);
                        w.WriteNumber("volume", c.Volume);
                        w.WriteString("source", c.Source);
                        w.WriteEndObject();
                    }

                    json.WriteByte((byte)'\n');
                }

                var text = Encoding.UTF8.GetBytes(csv.ToString());
                csvBytes += text.Length;
                jsonBytes += json.Length;
                await gzip.WriteAsync(text);
            }
        }

        // DuckDB's own Parquet of exactly these rows, in the order they are stored, zstd as ours.
        var duckFile = Path.Combine(Path.GetTempPath(), $"pricefeed-bench-{Environment.ProcessId}.parquet");
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var copy = connection.CreateCommand();
            var glob = Path.Combine(Path.GetFullPath(lake), "candles", "resolution=1", "*", "*.parquet").Replace("'", "''", StringComparison.Ordinal);
            copy.CommandText = $"COPY (SELECT * FROM read_parquet('{glob}')) TO '{duckFile.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet, COMPRESSION zstd)";
            copy.ExecuteNonQuery();
        }

        var duckBytes = new FileInfo(duckFile).Length;
        File.Delete(duckFile);
        Console.WriteLine(FormattableString.Invariant($"{{\"benchmark\":\"storage\",\"files\":{keys.Count},\"rows\":{rows},\"parquet_bytes_per_bar\":{(double)parquetBytes / rows:F2},\"duckdb_parquet_bytes_per_bar\":{(double)duckBytes / rows:F2},\"csv_gz_bytes_per_bar\":{(double)gzipped.Length / rows:F2},\"csv_bytes_per_bar\":{(double)csvBytes / rows:F2},\"json_bytes_per_bar\":{(double)jsonBytes / rows:F2}}}"));
        return 0;
    }

    /// <summary>Counts what is written, keeps nothing: the gzipped CSV's size without holding it.</summary>
    private sealed class CountingStream : Stream
    {
        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => length += buffer.Length;
    }
}
