namespace PriceFeed.Lake;

/// <summary>Another run held the lake's writer lock for the whole wait; the message names it.</summary>
public sealed class LakeBusyException(string message) : Exception(message);
