namespace PriceFeed.Lake;

/// <summary>
/// Bars a run has fetched and checked but not stored yet: rows to merge, rejected bars to quarantine,
/// and the cursors they move. <see cref="CandleLake.StoreAsync"/> writes all three and empties it.
/// </summary>
public sealed class CandleBatch(int capacity = 0)
{
    public List<CandleRow> Rows { get; } = new(capacity);

    public List<QuarantinedBar> Rejected { get; } = [];

    /// <summary>"symbol|resolution" → the newest stored bar's start, epoch seconds.</summary>
    public Dictionary<string, long> Cursors { get; } = new(StringComparer.Ordinal);

    public bool HasBars => Rows.Count > 0 || Rejected.Count > 0;

    /// <summary>Moves a series' cursor to its newest received bar (never back).</summary>
    public void Advance(string symbol, string resolution, long lastBarStart)
    {
        var key = CandleLake.CursorKey(symbol, resolution);
        Cursors[key] = Math.Max(Cursors.GetValueOrDefault(key), lastBarStart);
    }

    public void Clear()
    {
        Rows.Clear();
        Rejected.Clear();
        Cursors.Clear();
    }
}
