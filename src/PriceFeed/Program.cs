using PriceFeed.Cli;

return await PriceFeedCli.RunAsync(args, Console.Out, Console.Error);
