// An application that records what the session layer hands it, and can answer application messages.
using Exchange.Fix;

namespace Exchange.Fix.Session.Tests;

internal delegate void MessageHandler(FixSession session, in FixMessage message);

internal sealed class TestApplication : IFixApplication
{
    public int Logons { get; private set; }
    public int Logouts { get; private set; }

    /// <summary>Each delivered message as text, '|' for SOH.</summary>
    public List<string> Messages { get; } = [];

    public bool Record { get; set; } = true;

    public MessageHandler? OnMessage { get; set; }

    public Action<FixSession>? OnLoggedOn { get; set; }

    public void OnLogon(FixSession session)
    {
        Logons++;
        OnLoggedOn?.Invoke(session);
    }

    public void OnLogout(FixSession session) => Logouts++;

    public void OnApplicationMessage(FixSession session, in FixMessage message)
    {
        if (Record) Messages.Add(Wire.Show(message.Bytes));
        OnMessage?.Invoke(session, message);
    }

    /// <summary>The ClOrdID (11) of each delivered message.</summary>
    public List<string> ClOrdIds => [.. Messages.Select(m => new ReceivedMessage(m)[11] ?? "")];
}
