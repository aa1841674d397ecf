using System.Text.Json;
using System.Text.Json.Serialization;

namespace PriceFeed.Status;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StatusResponse))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
