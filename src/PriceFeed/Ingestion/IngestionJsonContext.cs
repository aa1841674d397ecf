using System.Text.Json;
using System.Text.Json.Serialization;

namespace PriceFeed.Ingestion;

/// <summary>The ingestion feature's wire types: /events requests and answers, and run summaries shared through SSM.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventRequest))]
[JsonSerializable(typeof(LambdaContext))]
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class IngestionJsonContext : JsonSerializerContext;
