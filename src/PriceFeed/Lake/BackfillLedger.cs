using System.Text.Json;

namespace PriceFeed.Lake;

/// <summary>The chunks a backfill has finished, kept in the lake (_state/backfill/{id}.json) so a killed run continues where it stopped.</summary>
public sealed class BackfillLedger(IDataSink sink)
{
    public async Task<HashSet<string>> ReadAsync(string id, CancellationToken cancellationToken) =>
        await sink.ReadAsync(LakeKeys.BackfillLedger(id), cancellationToken) is { } bytes
            ? new HashSet<string>(JsonSerializer.Deserialize(bytes, LakeJsonContext.Default.ListString) ?? [], StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The ids of every ledger in the lake.</summary>
    public async Task<IReadOnlyList<string>> IdsAsync(CancellationToken cancellationToken) =>
        [.. (await sink.ListAsync(LakeKeys.BackfillLedgers, cancellationToken)).Where(k => k.EndsWith(".json", StringComparison.Ordinal)).Select(k => Path.GetFileNameWithoutExtension(k))];

    public Task WriteAsync(string id, IEnumerable<string> done, CancellationToken cancellationToken) =>
        sink.WriteAsync(LakeKeys.BackfillLedger(id), JsonSerializer.SerializeToUtf8Bytes(done.Order(StringComparer.Ordinal).ToList(), LakeJsonContext.Default.ListString), cancellationToken);
}
