using System.Diagnostics;
using System.Globalization;
using System.Text;
using PriceFeed.Fyers.Data;

// parse-child BODY PARSES: parses the body PARSES times as the client does, no warm-up, each call
// timed; prints the seconds as one JSON array.
if (args.Length != 3 || args[0] != "parse-child")
{
    Console.Error.WriteLine("usage: PriceFeed.ParseProbe parse-child BODY PARSES");
    return 2;
}

var body = File.ReadAllBytes(args[1]);
var parses = int.Parse(args[2], CultureInfo.InvariantCulture);
var times = new double[parses];
var count = 0;
for (var i = 0; i < parses; i++)
{
    var clock = Stopwatch.StartNew();
    var (_, candles) = HistoryParser.Parse(body);
    times[i] = clock.Elapsed.TotalSeconds;
    count = candles.Count;
}

if (count == 0)
{
    Console.Error.WriteLine("no candles parsed");
    return 1;
}

var json = new StringBuilder("[");
for (var i = 0; i < times.Length; i++)
{
    json.Append(i == 0 ? string.Empty : ",").Append(times[i].ToString("R", CultureInfo.InvariantCulture));
}

Console.WriteLine(json.Append(']'));
return 0;
