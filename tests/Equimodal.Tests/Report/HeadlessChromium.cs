using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Equimodal.Tests.Report;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol on one page: loads a file, records every console
/// error, uncaught exception, failed request and request that leaves the machine, evaluates JavaScript and takes
/// full-page screenshots. A fresh profile folder per instance; the process is killed on dispose.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where Debian's chromium package installs the browser.</summary>
    public const string Executable = "/usr/bin/chromium";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly List<JsonObject> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Problems seen since the last navigation: console errors, exceptions, failed requests, requests to the network.</summary>
    public List<string> Problems { get; } = new();

    /// <summary>Starts chromium on about:blank and connects to its page.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        string profile = TestData.TempFolder();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
                 })
            start.ArgumentList.Add(argument);
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            // chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" once it accepts connections.
            string? port = null;
            using var timeout = new CancellationTokenSource(Timeout);
            while (port is null)
            {
                string line = await process.StandardError.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"{Executable} exited before listening (exit code {(process.HasExited ? process.ExitCode : -1)}).");
                if (Regex.Match(line, @"DevTools listening on ws://127\.0\.0\.1:(\d+)/") is { Success: true } match) port = match.Groups[1].Value;
            }
            _ = DrainAsync(process.StandardError);
            using var http = new HttpClient();
            JsonArray targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", timeout.Token))!.AsArray();
            string page = targets.Select(t => t!.AsObject()).First(t => (string?)t["type"] == "page")["webSocketDebuggerUrl"]!.GetValue<string>();
            await browser._socket.ConnectAsync(new Uri(page), timeout.Token);
            browser._receiving = browser.ReceiveAsync();
            foreach (string domain in new[] { "Runtime", "Log", "Network", "Page" }) await browser.SendAsync($"{domain}.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sets the viewport to <paramref name="width"/> x <paramref name="height"/> CSS pixels (a phone is about 390 wide).</summary>
    public Task ViewportAsync(int width, int height) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = width < 600 });

    /// <summary>Emulates the CSS media type <paramref name="media"/> ("print", or "" for the screen).</summary>
    public Task MediaAsync(string media) => SendAsync("Emulation.setEmulatedMedia", new JsonObject { ["media"] = media });

    /// <summary>Loads <paramref name="file"/> and waits for its load event; clears <see cref="Problems"/> first.</summary>
    public async Task OpenAsync(string file)
    {
        lock (_events)
        {
            _events.Clear();
            Problems.Clear();
        }
        await SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(Path.GetFullPath(file)).AbsoluteUri });
        using var timeout = new CancellationTokenSource(Timeout);
        while (!Seen("Page.loadEventFired")) await Task.Delay(50, timeout.Token);
    }

    /// <summary>The value of the JavaScript <paramref name="expression"/> (JSON-serializable) in the page.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        JsonObject result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is JsonNode exception) throw new InvalidOperationException($"The page's script failed: {exception.ToJsonString()}");
        return result["result"]!["value"];
    }

    /// <summary>A PNG of the whole page (not only the viewport) at the current viewport width.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        JsonObject metrics = await SendAsync("Page.getLayoutMetrics");
        JsonNode size = metrics["cssContentSize"]!;
        var clip = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = size["width"]!.GetValue<double>(), ["height"] = size["height"]!.GetValue<double>(), ["scale"] = 1 };
        JsonObject shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true, ["clip"] = clip });
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    private bool Seen(string method)
    {
        lock (_events) return _events.Any(e => (string?)e["method"] == method);
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        JsonObject answer = await reply.Task.WaitAsync(Timeout);
        if (answer["error"] is JsonNode error) throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
        return answer["result"]?.AsObject() ?? new JsonObject();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                JsonObject received = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (received["id"] is JsonNode id && _pending.TryRemove(id.GetValue<int>(), out TaskCompletionSource<JsonObject>? reply)) reply.SetResult(received);
                else Record(received);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            // The browser went away; pending commands time out with their own message.
        }
    }

    private void Record(JsonObject received)
    {
        string method = (string?)received["method"] ?? "";
        JsonNode? p = received["params"];
        string? problem = method switch
        {
            "Runtime.exceptionThrown" => $"uncaught exception: {p?["exceptionDetails"]?.ToJsonString()}",
            "Runtime.consoleAPICalled" when (string?)p?["type"] is "error" or "assert" => $"console.{p?["type"]}: {p?["args"]?.ToJsonString()}",
            "Log.entryAdded" when (string?)p?["entry"]?["level"] == "error" => $"log error: {p?["entry"]?["text"]} ({p?["entry"]?["url"]})",
            "Network.loadingFailed" => $"failed request: {p?["errorText"]} ({p?["requestId"]})",
            "Network.requestWillBeSent" when (string?)p?["request"]?["url"] is { } url && !url.StartsWith("file:", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)
                => $"request to the network: {url}",
            _ => null,
        };
        lock (_events)
        {
            _events.Add(received);
            if (problem is not null) Problems.Add(problem);
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone.
        }
        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium may still hold a lock file for a moment; the temporary folder is left to the system.
        }
    }
}
