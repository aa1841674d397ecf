using System.Text.Json;
using System.Text.Json.Serialization;

namespace PriceFeed.Lake;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(QuarantineLine))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(WriterClaim))]
[JsonSerializable(typeof(Dictionary<string, GapEntry>))]
internal sealed partial class LakeJsonContext : JsonSerializerContext;
