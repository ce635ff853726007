// REST requests to exchange-web as a browser's fetch makes them.
using System.Net.Http.Headers;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public static class Rest
{
    private static readonly HttpClient Client = new() { Timeout = Timeouts.Prompt };

    public static async Task<(int Status, string Body)> Get(int port, string path, string? bearer = null) =>
        await Send(HttpMethod.Get, port, path, null, bearer);

    public static async Task<(int Status, string Body)> Post(int port, string path, string json) =>
        await Send(HttpMethod.Post, port, path, json, null);

    private static async Task<(int Status, string Body)> Send(HttpMethod method, int port, string path, string? json, string? bearer)
    {
        using var request = new HttpRequestMessage(method, $"http://127.0.0.1:{port}{path}");
        if (json != null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        if (bearer != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
