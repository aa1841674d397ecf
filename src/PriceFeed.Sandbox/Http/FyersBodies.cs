using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PriceFeed.Sandbox.Http;

/// <summary>
/// Writes FYERS bodies with FYERS' key order. The error bodies are the live ones quoted in the
/// docs/fyers-protocol.md §3 (the live bodies recorded there) byte for byte, including their odd key orders.
/// </summary>
internal static class FyersBodies
{
    public const string InvalidTokenData = """{"message":"Please provide valid token","code":-15,"s":"error"}""";
    public const string InvalidTokenUser = """{"code":-16,"message":"Could not authenticate the user","s":"error"}""";
    public const string InvalidTokenLogout = """{"s":"error","code":-16,"message":"Token is Invalid or Expired"}""";
    public const string Malformed = """{"s":"ok","code":200,"message":"","d":[{"n":"NSE:""";

    public static Task Raw(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>{"s":"error","code":..,"message":..}: the documented shape (fyers-protocol.md §2).</summary>
    public static Task Error(HttpContext context, int status, int code, string message) =>
        Json(context, status, w =>
        {
            w.WriteString("s", "error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
        });

    /// <summary>{"s":"ok","code":200,"message":"", ...payload}.</summary>
    public static Task Ok(HttpContext context, Action<Utf8JsonWriter> payload, string message = "") =>
        Json(context, 200, w =>
        {
            w.WriteString("s", "ok");
            w.WriteNumber("code", 200);
            w.WriteString("message", message);
            payload(w);
        });

    public static async Task Json(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Prices as FYERS prints them: always with a decimal point (417.0, not 417).</summary>
    public static void Price(Utf8JsonWriter writer, double value)
    {
        var text = Math.Round(value, 4).ToString("R", CultureInfo.InvariantCulture);
        writer.WriteRawValue(text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0", skipInputValidation: true);
    }

    public static void Price(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        Price(writer, value);
    }
}
