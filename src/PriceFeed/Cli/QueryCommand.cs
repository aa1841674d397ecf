using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Cli;

/// <summary>
/// <c>pricefeed query "SELECT ..."</c>: SQL over the local lake with DuckDB, whose Parquet reader and
/// SQL engine we would not write ourselves. The lake appears as the views <c>candles</c> (REST and
/// live bars apart by <c>source</c>), <c>quotes</c> and <c>ticks</c> (Hive partitions become columns).
/// <c>ticks</c> is the compacted days and, until a day is compacted, its tick log, so a tick can be
/// queried within a second of arriving. Read-only: only the jobs change the lake.
/// Left out of the Lambda build.
/// </summary>
internal static class QueryCommand
{
    private const int MaxPrintedRows = 200;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var sql = new Argument<string>("sql") { Description = "A DuckDB SQL query over the views candles, quotes and ticks." };
        var csv = new Option<string?>("--csv") { Description = "Write every row to this CSV file instead of printing a table." };
        var lake = new Option<string?>("--lake") { Description = "The lake folder; default: Ingestion:LakeDirectory or {data}/lake." };
        var force = new Option<bool>("--force") { Description = "Replace the --csv file if it exists." };
        var command = new Command("query", "Run SQL over the local Parquet lake (DuckDB) and print a table or export CSV.") { sql, csv, lake, force };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(null);
            var data = host.Services.GetRequiredService<Home.DataFolder>().Path;
            var folder = result.GetValue(lake) ?? host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.LakeDirectory ?? Path.Combine(data, "lake");
            return await RunAsync(folder, result.GetValue(sql)!, result.GetValue(csv), output, error, cancellationToken, new ExportRules(data, result.GetValue(force)));
        });
        return command;
    }

    /// <summary>
    /// The <c>ticks</c> view: the compacted days' Parquet and the tick logs not compacted yet, in the
    /// same columns (a torn last line of a log, from a kill, is skipped). Null when neither exists.
    /// </summary>
    private static string? TicksView(string lakeRoot, string? logFolder)
    {
        static string Quote(string path) => path.Replace("'", "''", StringComparison.Ordinal);
        var parts = new List<string>();
        var compacted = Path.Combine(lakeRoot, "ticks");
        if (Directory.Exists(compacted) && Directory.EnumerateFiles(compacted, "*.parquet", SearchOption.AllDirectories).Any())
        {
            parts.Add($"SELECT symbol, ts_utc, received_utc, price, day_volume, bid, ask, open_interest, source, date FROM read_parquet('{Quote(Path.Combine(compacted, "*", "*.parquet"))}', hive_partitioning = true, hive_types_autocast = false)");
        }

        if (logFolder is not null && Directory.Exists(logFolder) && Directory.EnumerateFiles(logFolder, "ticks.jsonl", SearchOption.AllDirectories).Any())
        {
            parts.Add(
                "SELECT s AS symbol, to_timestamp(t / 1000.0) AS ts_utc, to_timestamp(r / 1000.0) AS received_utc, p AS price, v AS day_volume, b AS bid, a AS ask, oi AS open_interest, src AS source, date "
                + $"FROM read_json('{Quote(Path.Combine(logFolder, "*", "ticks.jsonl"))}', format = 'newline_delimited', hive_partitioning = true, hive_types_autocast = false, ignore_errors = true, "
                + "columns = {s: 'VARCHAR', t: 'BIGINT', r: 'BIGINT', p: 'DECIMAL(18,4)', v: 'BIGINT', b: 'DECIMAL(18,4)', a: 'DECIMAL(18,4)', oi: 'BIGINT', src: 'VARCHAR'})");
        }

        return parts.Count == 0 ? null : $"CREATE VIEW ticks AS {string.Join(" UNION ALL ", parts)}";
    }

    /// <summary>Where an export may not go besides the lake (the data folder: tokens, keys, state), and whether it may replace a file.</summary>
    public sealed record ExportRules(string? DataFolder = null, bool Force = false);

    public static async Task<int> RunAsync(string lakeFolder, string sql, string? csvPath, TextWriter output, TextWriter error, CancellationToken cancellationToken, ExportRules? rules = null)
    {
        rules ??= new ExportRules();
        var root = Path.GetFullPath(lakeFolder);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        var views = 0;
        foreach (var (view, glob) in new[] { ("candles", "candles/*/*/*.parquet"), ("quotes", "quotes/*/*.parquet") })
        {
            var kind = view == "candles" ? "candles" : "quotes";
            if (!Directory.Exists(Path.Combine(root, kind)) || !Directory.EnumerateFiles(Path.Combine(root, kind), "*.parquet", SearchOption.AllDirectories).Any())
            {
                continue;
            }

            await using var create = connection.CreateCommand();
            // Partition values stay text (hive_types_autocast off): a lake with only resolution=1 folders
            // typed the column BIGINT, and resolution = 'D' failed to convert (issue 20). date compares
            // as text too, 'yyyy-MM-dd'.
            create.CommandText = $"CREATE VIEW {view} AS SELECT * FROM read_parquet('{Path.Combine(root, glob).Replace("'", "''", StringComparison.Ordinal)}', hive_partitioning = true, hive_types_autocast = false)";
            await create.ExecuteNonQueryAsync(cancellationToken);
            views++;
        }

        if (TicksView(root, rules.DataFolder is null ? null : Path.Combine(rules.DataFolder, "live", "ticks")) is { } ticks)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = ticks;
            await create.ExecuteNonQueryAsync(cancellationToken);
            views++;
        }

        if (views == 0)
        {
            await error.WriteLineAsync($"The lake at {root} has no Parquet files yet. Run 'pricefeed ingest intraday' or 'pricefeed backfill' first (or pass --lake).");
            return ExitCodes.Error;
        }

        if (csvPath is not null)
        {
            // The real path, links and '..' resolved: a link in the export's path must not lead into
            // the lake or the data folder (issue 19: an export through a symlink overwrote a day file).
            var target = RealPath.Of(csvPath);
            foreach (var (folder, what) in new[] { (root, "the lake"), (rules.DataFolder, "PriceFeed's data folder") })
            {
                if (folder is not null && (IsInside(target, RealPath.Of(folder)) || target == RealPath.Of(folder)))
                {
                    await error.WriteLineAsync($"--csv {csvPath} leads inside {what} ({RealPath.Of(folder)}); write the export somewhere else.");
                    return ExitCodes.Usage;
                }
            }

            if (File.Exists(target) && !rules.Force)
            {
                await error.WriteLineAsync($"--csv {csvPath} exists; pass --force to replace it, or choose another name.");
                return ExitCodes.Usage;
            }

            if (Directory.Exists(target))
            {
                await error.WriteLineAsync($"--csv {csvPath} is a folder; name a file.");
                return ExitCodes.Usage;
            }

            csvPath = target;
        }

        try
        {
            if (await RefusalAsync(connection, sql, cancellationToken) is { } refusal)
            {
                await error.WriteLineAsync(refusal);
                return ExitCodes.Usage;
            }

            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (csvPath is not null)
            {
                var rows = await WriteCsvAsync(reader, csvPath, cancellationToken);
                await output.WriteLineAsync($"{rows} rows written to {Path.GetFullPath(csvPath)}.");
            }
            else
            {
                await PrintTableAsync(reader, output, cancellationToken);
            }

            return ExitCodes.Ok;
        }
        catch (DuckDBException e)
        {
            await error.WriteLineAsync($"The query failed: {e.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>
    /// Only statements that read run. DuckDB's own parser says what a statement is:
    /// json_serialize_sql serializes SELECT statements (WITH, VALUES, set operations included) and
    /// refuses every other kind, so COPY ... TO, CREATE, ATTACH, INSTALL, SET and the like never reach
    /// the engine, alone or behind a ';'.
    /// </summary>
    private static async Task<string?> RefusalAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var check = connection.CreateCommand();
        check.CommandText = "SELECT json_serialize_sql($sql::VARCHAR)";
        check.Parameters.Add(new DuckDBParameter("sql", sql));
        var json = await check.ExecuteScalarAsync(cancellationToken) as string ?? "{}";
        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        if (!parsed.RootElement.TryGetProperty("error", out var failed) || failed.ValueKind != System.Text.Json.JsonValueKind.True)
        {
            return null;
        }

        var reason = parsed.RootElement.TryGetProperty("error_message", out var m) ? m.GetString() : null;
        return parsed.RootElement.TryGetProperty("error_type", out var t) && t.GetString() == "parser"
            ? $"The query failed: {reason}"
            : "Only queries that read run here (SELECT, WITH ...): the lake is changed only by PriceFeed's jobs. Use --csv to export.";
    }

    private static bool IsInside(string path, string folder) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static async Task PrintTableAsync(DbDataReader reader, TextWriter output, CancellationToken cancellationToken)
    {
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var rows = new List<string[]>();
        var total = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (total++ < MaxPrintedRows)
            {
                rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => Format(reader.GetValue(i)))]);
            }
        }

        var widths = names.Select((n, i) => Math.Max(n.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        await output.WriteLineAsync(string.Join(" | ", names.Select((n, i) => n.PadRight(widths[i]))));
        await output.WriteLineAsync(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            await output.WriteLineAsync(string.Join(" | ", row.Select((v, i) => v.PadRight(widths[i]))));
        }

        await output.WriteLineAsync(total > MaxPrintedRows ? $"({total} rows, first {MaxPrintedRows} shown; use --csv for all)" : $"({total} rows)");
    }

    private static async Task<int> WriteCsvAsync(DbDataReader reader, string path, CancellationToken cancellationToken)
    {
        await using var file = new StreamWriter(path, append: false, new UTF8Encoding(false));
        await file.WriteLineAsync(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => Csv(reader.GetName(i)))));
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await file.WriteLineAsync(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => Csv(Format(reader.GetValue(i))))));
            rows++;
        }

        return rows;
    }

    private static string Format(object? value) => value switch
    {
        null or DBNull => string.Empty,
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
