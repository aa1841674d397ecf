using PriceFeed.Benchmarks;

// Benchmarks with numbers for docs/benchmarks.md; run by bench/run.sh. Each prints one JSON line.
return args.FirstOrDefault() switch
{
    "parse" => await ParseBenchmark.RunAsync(args[1..]),
    "parse-fresh" => await ParseFreshBenchmark.RunAsync(args[1..]),
    "decode" => await DecodeBenchmark.RunAsync(args[1..]),
    "e2e" => await EndToEndBenchmark.RunAsync(args[1..]),
    "backfill" => await BackfillBenchmark.RunAsync(args[1..]),
    "storage" => await StorageBenchmark.RunAsync(args[1..]),
    "startup" => await StartupBenchmark.RunAsync(args[1..]),
    "live" => await LiveBenchmark.RunAsync(args[1..]),
    "compact-staged" => await StagedCompactionBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: PriceFeed.Benchmarks parse|parse-fresh|decode|e2e|backfill|storage|startup|live|compact-staged [options]");
    return 2;
}
