using System.Net.WebSockets;

namespace PriceFeed.Sandbox.Socket;

/// <summary>An open data-socket connection as the sandbox's state sees it: whose it is, and how to end it.</summary>
internal sealed class SocketHandle(long id, Action drop, Action untrack) : IDisposable
{
    public long Id { get; } = id;

    /// <summary>The user, once the auth frame was accepted.</summary>
    public string? FyId { get; set; }

    /// <summary>Closes the connection with a close frame (set by the session).</summary>
    public Func<WebSocketCloseStatus, string, Task> Close { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>Ends the connection without a close handshake, as a network failure does.</summary>
    public void Drop() => drop();

    public Task CloseAsync(WebSocketCloseStatus status, string reason) => Close(status, reason);

    public void Dispose() => untrack();
}
