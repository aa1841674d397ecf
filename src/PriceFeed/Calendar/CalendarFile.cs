using System.Text.Json;
using System.Text.Json.Serialization;

namespace PriceFeed.Calendar;

// The shape of nse-calendar.json (embedded) and of a replacement given by Calendar:File.

internal sealed record CalendarFile(
    string Version,
    string? Source,
    SessionTimes NormalSession,
    DateOnly? ClosingAuctionFrom,
    ClosingAuctionTimes? ClosingAuction,
    Dictionary<string, List<HolidayEntry>> Holidays,
    List<SpecialSessionEntry>? SpecialSessions);

internal sealed record SessionTimes(TimeOnly Open, TimeOnly Close);

internal sealed record ClosingAuctionTimes(TimeOnly ContinuousCloseForFnoStocks, TimeOnly AuctionEnd);

internal sealed record HolidayEntry(DateOnly Date, string Name);

internal sealed record SpecialSessionEntry(DateOnly Date, TimeOnly Open, TimeOnly Close, string Name, bool Confirmed);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(CalendarFile))]
internal sealed partial class CalendarJsonContext : JsonSerializerContext;
