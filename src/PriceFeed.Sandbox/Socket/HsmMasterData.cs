using System.Text.Json;

namespace PriceFeed.Sandbox.Socket;

/// <summary>
/// The master data FYERS' data socket sends in field 3 of its auth reply (fyers-protocol.md §16): a
/// JSON table of every field id ("fid"), its short name ("fld") and how to read it ("dataType"), and
/// the order of the values in scrip, index and depth records. FYERS' JavaScript SDK builds its
/// decoder from it and cannot read a single record without it; PriceFeed's own client reads the
/// published order (<c>HsmFields</c>) and ignores it.
/// The ids, names and orders follow the one capture the reference's search found (a community client's
/// notes) and agree with what the JS SDK hard-codes (s105 last price, s104 volume, s121 close, s113
/// average price, i102 and i103); the descriptions are the sandbox's own words.
/// </summary>
public static class HsmMasterData
{
    private sealed record Field(string Fid, int Index, string Fld, string DataType, string Details);

    // Scrip fields s100-s122, in id order.
    private static readonly (string Fld, string Type, string Details)[] Scrip =
    [
        ("ftm0", "timestamp", "Feeder time (seconds)"),
        ("dtm1", "timestamp", "Distribution time (seconds)"),
        ("fdtm", "timestamp", "Exchange feed time (seconds)"),
        ("ltt", "timestamp", "Last traded time (seconds)"),
        ("v", "Number", "Day volume"),
        ("ltp", "ConvNumber", "Last traded price"),
        ("ltq", "Number", "Last traded quantity"),
        ("tbq", "Number", "Total buy quantity"),
        ("tsq", "Number", "Total sell quantity"),
        ("bp", "ConvNumber", "Best bid price"),
        ("sp", "ConvNumber", "Best ask price"),
        ("bq", "Number", "Best bid size"),
        ("bs", "Number", "Best ask size"),
        ("ap", "ConvNumber", "Average traded price"),
        ("lo", "ConvNumber", "Day low"),
        ("h", "ConvNumber", "Day high"),
        ("lcl", "ConvNumber", "Lower circuit limit"),
        ("ucl", "ConvNumber", "Upper circuit limit"),
        ("yh", "ConvNumber", "52-week high"),
        ("yl", "ConvNumber", "52-week low"),
        ("op", "ConvNumber", "Day open"),
        ("c", "ConvNumber", "Previous close"),
        ("oi", "Number", "Open interest"),
    ];

    // Index fields i100-i107, in id order.
    private static readonly (string Fld, string Type, string Details)[] Index =
    [
        ("ftm0", "timestamp", "Feeder time (seconds)"),
        ("dtm1", "timestamp", "Distribution time (seconds)"),
        ("iv", "ConvNumber", "Index value"),
        ("ic", "ConvNumber", "Previous close"),
        ("tvalue", "timestamp", "Exchange feed time (seconds)"),
        ("highPrice", "ConvNumber", "Day high"),
        ("lowPrice", "ConvNumber", "Day low"),
        ("openingPrice", "ConvNumber", "Day open"),
    ];

    // Fields the SDKs compute themselves (f101-f105) or take from the snapshot (f106-f111).
    private static readonly Field[] Computed =
    [
        new("f101", 25, "cng", "ConvNumber", "Change (scrip)"),
        new("f102", 26, "nc", "Number", "Percent change (scrip)"),
        new("f103", 27, "to", "Number", "Turnover"),
        new("f104", 10, "cng", "ConvNumber", "Change (index)"),
        new("f105", 11, "nc", "Number", "Percent change (index)"),
        new("f106", 23, "mul", "Number", "Multiplier (scrip)"),
        new("f107", 24, "prec", "Number", "Precision (scrip)"),
        new("f108", 8, "mul", "Number", "Multiplier (index)"),
        new("f109", 9, "prec", "Number", "Precision (index)"),
        new("f110", 32, "mul", "Number", "Multiplier (depth)"),
        new("f111", 33, "prec", "Number", "Precision (depth)"),
    ];

    /// <summary>
    /// The wire order of a scrip record's 21 values, by field id: the same order as <c>HsmFields</c>
    /// (last price, volume, last traded time, feed time, bid size, ask size, bid, ask, ...).
    /// </summary>
    public static readonly string[] ScripOrder =
        ["s105", "s104", "s103", "s102", "s111", "s112", "s109", "s110", "s106", "s107", "s108", "s113", "s122", "s114", "s115", "s118", "s119", "s116", "s117", "s120", "s121"];

    /// <summary>The wire order of an index record's 6 values: value, previous close, feed time, high, low, open.</summary>
    public static readonly string[] IndexOrder = ["i102", "i103", "i104", "i105", "i106", "i107"];

    private static readonly Lazy<byte[]> Json = new(Build);

    /// <summary>The JSON, UTF-8, as the auth reply's field 3 carries it.</summary>
    public static ReadOnlySpan<byte> Utf8 => Json.Value;

    private static IEnumerable<Field> Fields()
    {
        for (var i = 0; i < Scrip.Length; i++)
        {
            yield return new($"s{100 + i}", i, Scrip[i].Fld, Scrip[i].Type, Scrip[i].Details);
        }

        for (var i = 0; i < Index.Length; i++)
        {
            yield return new($"i{100 + i}", i, Index[i].Fld, Index[i].Type, Index[i].Details);
        }

        yield return new("d100", 0, "ftm0", "timestamp", "Feeder time (seconds)");
        yield return new("d101", 1, "dtm1", "timestamp", "Distribution time (seconds)");

        // Depth d102-d131: 5 bid prices, 5 ask prices, 5 bid sizes, 5 ask sizes, 5 bid orders, 5 ask orders.
        (string Prefix, string Type, string Details)[] groups =
        [
            ("bp", "ConvNumber", "Bid price"), ("sp", "ConvNumber", "Ask price"), ("bq", "Number", "Bid size"),
            ("bs", "Number", "Ask size"), ("bno", "Number", "Bid orders"), ("sno", "Number", "Ask orders"),
        ];
        var index = 2;
        foreach (var (prefix, type, details) in groups)
        {
            for (var level = 1; level <= 5; level++, index++)
            {
                // Prices and sizes name level 1 without a digit and levels 2-5 as 1-4; order counts 1-5.
                var fld = prefix.EndsWith("no", StringComparison.Ordinal) ? $"{prefix}{level}" : level == 1 ? prefix : $"{prefix}{level - 1}";
                yield return new($"d{100 + index}", index, fld, type, $"{details}, level {level}");
            }
        }

        foreach (var field in Computed)
        {
            yield return field;
        }
    }

    private static byte[] Build()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0.0");
            json.WriteString("protocol", "1.0.0");
            json.WriteStartArray("fields");
            var all = Fields().ToList();
            foreach (var f in all)
            {
                json.WriteStartObject();
                json.WriteString("fid", f.Fid);
                json.WriteString("type", "Number");
                json.WriteString("details", f.Details);
                json.WriteNumber("index", f.Index);
                json.WriteString("fld", f.Fld);
                json.WriteString("dataType", f.DataType);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            Strings(json, "scrip", ScripOrder);
            Strings(json, "index", IndexOrder);
            Strings(json, "depth", Enumerable.Range(102, 30).Select(i => $"d{i}"));
            Strings(json, "user-scrip", all.Where(f => f.Fid[0] == 's').Select(f => f.Fid).Concat(["f106", "f107", "f101", "f102", "f103"]));
            Strings(json, "user-index", all.Where(f => f.Fid[0] == 'i').Select(f => f.Fid).Concat(["f108", "f109", "f104", "f105"]));
            Strings(json, "user-depth", all.Where(f => f.Fid[0] == 'd').Select(f => f.Fid).Concat(["f110", "f111"]));

            // One value per lite record: the last price (scrips) and the index value (indices).
            json.WriteStartObject("scrip_lite");
            json.WriteNumber("hfid", 1);
            json.WriteEndObject();
            json.WriteStartObject("index_lite");
            json.WriteNumber("hfid", 1);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }
}
