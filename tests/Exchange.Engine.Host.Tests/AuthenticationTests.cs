// The challenge-response logon and the sealed messages of an authenticated session, against the engine service in
// process: the secret never on the wire, a wrong secret, a replayed handshake, an expired challenge, forged, tampered
// and replayed messages refused while the real session goes on, the clear-key Logon refused, pending handshakes bounded,
// and opening sealed messages on the order path allocating nothing.
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

/// <summary>What a client does for the handshake and for sealing, written from the codecs and SessionAuth alone.</summary>
internal sealed class SealingClient(string secret, string channel = Client.Channel)
{
    public byte[] ClientNonce { get; } = SessionAuth.NewNonce();
    public byte[]? Request { get; private set; }
    public byte[]? ProofMessage { get; private set; }
    public byte[]? Key { get; private set; }
    public ulong Sequence;

    public byte[] LogonRequest(long account = 0, uint heartbeatMs = 1000, string? keyOf = null)
    {
        var buffer = new byte[4096];
        var e = LogonRequestEncoder.WrapAndApplyHeader(buffer, 0);
        e.Account = account;
        e.HeartbeatIntervalMs = heartbeatMs;
        e.WriteKeyId(System.Text.Encoding.ASCII.GetBytes(SessionAuth.KeyId(keyOf ?? secret)));
        e.WriteClientNonce(ClientNonce);
        e.WriteResponseChannel(System.Text.Encoding.ASCII.GetBytes(channel));
        return Request = buffer[..(MessageHeaderEncoder.EncodedLength + e.EncodedLength)];
    }

    /// <summary>The LogonProof answering <paramref name="challenge"/>, and the session key it leads to.</summary>
    public byte[] Proof(byte[] challenge)
    {
        var decoder = LogonChallengeDecoder.WrapWithHeader(challenge);
        Assert.Equal(ClientNonce, decoder.ReadClientNonce().ToArray());
        byte[] serverNonce = decoder.ReadServerNonce().ToArray();
        byte[] key = SessionAuth.SecretBytes(secret);
        Key = SessionAuth.SessionKey(key, ClientNonce, serverNonce);
        return ProofMessage = ProofFor(SessionAuth.Proof(key, serverNonce, Request));
    }

    public static byte[] ProofFor(byte[] proof)
    {
        var buffer = new byte[128];
        var e = LogonProofEncoder.WrapAndApplyHeader(buffer, 0);
        e.WriteProof(proof);
        return buffer[..(MessageHeaderEncoder.EncodedLength + e.EncodedLength)];
    }

    public byte[] Seal(byte[] message) => SealAt(message, ++Sequence);

    public byte[] SealAt(byte[] message, ulong sequence)
    {
        var buffer = new byte[message.Length + SessionAuth.TrailerLength];
        message.CopyTo(buffer, 0);
        SessionAuth.Seal(Key, buffer, message.Length, sequence);
        return buffer;
    }
}

public sealed class AuthenticationTests
{
    private const long Millisecond = Harness.Second / 1000;

    private static ulong Handshake(Harness h, int connection, SealingClient client, long account = 0)
    {
        h.Engine.OnMessage(connection, client.LogonRequest(account));
        h.Work();
        var challenge = h.Links.Received(connection).OfTemplate(LogonChallengeDecoder.TemplateId).Last();
        h.Engine.OnMessage(connection, client.Proof(challenge));
        h.Work();
        var ack = h.Links.Received(connection).OfTemplate(LogonAckDecoder.TemplateId).Last();
        return Read.LogonAck(ack).SessionId;
    }

    private static List<long> Accepted(Harness h, int connection) => h.Links.Received(connection).OfTemplate(OrderAcceptedDecoder.TemplateId)
        .Select(m => OrderAcceptedDecoder.WrapWithHeader(m).ClientOrderId).ToList();

    private static LogonRejectReason LastReject(Harness h, int connection) => Read.LogonReject(h.Links.Received(connection).OfTemplate(LogonRejectDecoder.TemplateId).Last());

    [Fact]
    public void A_challenge_response_logon_starts_a_session_and_the_secret_never_goes_on_the_wire()
    {
        using var h = new Harness(clearKeyLogon: false);
        var client = new SealingClient("mm-1001-key");
        ulong session = Handshake(h, 1, client);
        Assert.NotEqual(0UL, session);
        Assert.Equal(1, h.Engine.ActiveSessions);

        h.Engine.OnMessage(1, client.Seal(Client.Limit(1001, 1, Side.Buy, 59_000)));
        h.Work();
        Assert.Equal([1L], Accepted(h, 1));
        byte[] secret = "mm-1001-key"u8.ToArray();
        foreach (byte[] sent in new[] { client.Request!, client.ProofMessage! })
            Assert.Equal(-1, sent.AsSpan().IndexOf(secret));
    }

    [Fact]
    public void A_proof_under_a_wrong_secret_is_refused_with_BadProof()
    {
        using var h = new Harness(clearKeyLogon: false);
        // The key id of account 1001's key, but a proof under another secret.
        var liar = new SealingClient("not-the-secret");
        h.Engine.OnMessage(1, liar.LogonRequest(keyOf: "mm-1001-key"));
        h.Work();
        h.Engine.OnMessage(1, liar.Proof(h.Links.Received(1).OfTemplate(LogonChallengeDecoder.TemplateId).Last()));
        h.Work();
        Assert.Equal(LogonRejectReason.BadProof, LastReject(h, 1));
        Assert.Equal(0, h.Engine.ActiveSessions);
        Assert.Empty(h.Links.Received(1).OfTemplate(LogonAckDecoder.TemplateId));
    }

    [Fact]
    public void An_unknown_key_id_is_refused()
    {
        using var h = new Harness(clearKeyLogon: false);
        h.Engine.OnMessage(1, new SealingClient("no-such-key").LogonRequest());
        h.Work();
        Assert.Equal(LogonRejectReason.UnknownApiKey, LastReject(h, 1));
        Assert.Empty(h.Links.Received(1).OfTemplate(LogonChallengeDecoder.TemplateId));
    }

    [Fact]
    public void A_captured_handshake_replayed_on_another_connection_is_refused()
    {
        using var h = new Harness(clearKeyLogon: false);
        var client = new SealingClient("mm-1001-key");
        Handshake(h, 1, client);
        h.Engine.OnMessage(1, client.Seal(Client.Logout(0)));
        h.Work();
        Assert.Equal(0, h.Engine.ActiveSessions);

        // The observer replays the request and the proof it saw: the engine's new challenge makes the old proof wrong.
        h.Engine.OnMessage(2, client.Request!);
        h.Work();
        var fresh = h.Links.Received(2).OfTemplate(LogonChallengeDecoder.TemplateId).Single();
        h.Engine.OnMessage(2, client.ProofMessage!);
        h.Work();
        Assert.Equal(LogonRejectReason.BadProof, LastReject(h, 2));
        Assert.Equal(0, h.Engine.ActiveSessions);
        Assert.Equal(client.ClientNonce, LogonChallengeDecoder.WrapWithHeader(fresh).ReadClientNonce().ToArray());
    }

    [Fact]
    public void A_wrong_proof_ends_its_handshake_and_a_right_proof_after_the_challenge_expired_is_not_taken()
    {
        using var h = new Harness(new EngineServiceOptions { HandshakeTimeout = TimeSpan.FromSeconds(2) }, clearKeyLogon: false);
        var client = new SealingClient("mm-1001-key");
        h.Engine.OnMessage(1, client.LogonRequest());
        h.Work();
        var proof = client.Proof(h.Links.Received(1).OfTemplate(LogonChallengeDecoder.TemplateId).Last());
        h.Work(1_500 * Millisecond);
        h.Engine.OnMessage(1, SealingClient.ProofFor(new byte[SessionAuth.ProofLength]));
        h.Work();
        Assert.Equal(LogonRejectReason.BadProof, LastReject(h, 1));

        // A new request, answered, then left past its expiry: the right proof comes too late.
        var late = new SealingClient("mm-1001-key");
        h.Engine.OnMessage(1, late.LogonRequest());
        h.Work();
        proof = late.Proof(h.Links.Received(1).OfTemplate(LogonChallengeDecoder.TemplateId).Last());
        h.Work(2_500 * Millisecond);
        int rejects = h.Links.Received(1).OfTemplate(LogonRejectDecoder.TemplateId).Count();
        h.Engine.OnMessage(1, proof);
        h.Work();
        Assert.Equal(0, h.Engine.ActiveSessions);
        // The expired handshake was forgotten: nothing to answer on, nothing sent.
        Assert.Equal(rejects, h.Links.Received(1).OfTemplate(LogonRejectDecoder.TemplateId).Count());
        Assert.Empty(h.Links.Received(1).OfTemplate(LogonAckDecoder.TemplateId));
    }

    [Fact]
    public void Tampered_forged_unsealed_and_replayed_messages_are_refused_and_the_session_goes_on()
    {
        using var h = new Harness(clearKeyLogon: false);
        var client = new SealingClient("mm-1001-key");
        Handshake(h, 1, client);

        byte[] first = client.Seal(Client.Limit(1001, 1, Side.Buy, 59_000));
        h.Engine.OnMessage(1, first);
        // Replayed as captured: same sequence.
        h.Engine.OnMessage(1, first);
        // Tampered: the price changed in flight.
        byte[] tampered = client.Seal(Client.Limit(1001, 2, Side.Buy, 59_000));
        tampered[MessageHeaderEncoder.EncodedLength + 30] ^= 0x01;
        h.Engine.OnMessage(1, tampered);
        // Unsealed, as the clear-key protocol sent it.
        h.Engine.OnMessage(1, Client.Limit(1001, 3, Side.Buy, 59_000));
        // Sealed under another session's key.
        var other = new SealingClient("mm-1001-key");
        typeof(SealingClient).GetProperty(nameof(SealingClient.Key))!.SetValue(other, SessionAuth.NewNonce());
        h.Engine.OnMessage(1, other.SealAt(Client.Limit(1001, 4, Side.Buy, 59_000), 1000));
        // An older sequence than the last taken.
        h.Engine.OnMessage(1, client.SealAt(Client.Limit(1001, 5, Side.Buy, 59_000), 1));
        // The session's next real message.
        h.Engine.OnMessage(1, client.Seal(Client.Limit(1001, 6, Side.Buy, 59_000)));
        h.Work();

        Assert.Equal([1L, 6L], Accepted(h, 1));
        Assert.Equal(5, h.Engine.RefusedSealedMessages);
        Assert.Equal(1, h.Engine.ActiveSessions);
        Assert.Empty(h.Links.Received(1).OfTemplate(CommandRejectedDecoder.TemplateId));
    }

    [Fact]
    public void Refused_messages_do_not_keep_a_silent_session_alive()
    {
        using var h = new Harness(clearKeyLogon: false);
        var client = new SealingClient("mm-1001-key");
        ulong session = Handshake(h, 1, client);
        var forged = Client.Heartbeat(session);
        for (int i = 0; i < 5; i++)
        {
            h.Engine.OnMessage(1, forged);
            h.Work(1_000 * Millisecond);
        }
        Assert.Equal(0, h.Engine.ActiveSessions);
        Assert.Equal(LogoutReason.HeartbeatTimeout, LogoutDecoder.WrapWithHeader(h.Links.Received(1).OfTemplate(LogoutDecoder.TemplateId).Last()).Reason);
    }

    [Fact]
    public void The_clear_key_Logon_is_refused_with_UpgradeRequired()
    {
        using var h = new Harness(clearKeyLogon: false);
        h.Engine.OnMessage(1, Client.Logon("mm-1001-key"));
        h.Work();
        Assert.Equal(LogonRejectReason.UpgradeRequired, LastReject(h, 1));
        string text = System.Text.Encoding.ASCII.GetString(LogonRejectDecoder.WrapWithHeader(h.Links.Received(1).OfTemplate(LogonRejectDecoder.TemplateId).Last()).ReadText());
        Assert.Contains("challenge-response", text);
        Assert.Equal(0, h.Engine.ActiveSessions);
    }

    [Fact]
    public void Pending_handshakes_are_bounded_and_the_request_past_the_bound_is_not_answered()
    {
        using var h = new Harness(new EngineServiceOptions { MaxPendingHandshakes = 2 }, clearKeyLogon: false);
        for (int c = 1; c <= 3; c++) h.Engine.OnMessage(c, new SealingClient("mm-1001-key").LogonRequest());
        h.Work();
        Assert.Single(h.Links.Received(1).OfTemplate(LogonChallengeDecoder.TemplateId));
        Assert.Single(h.Links.Received(2).OfTemplate(LogonChallengeDecoder.TemplateId));
        Assert.Empty(h.Links.Received(3));

        // Once the pending ones expire, a request is answered again.
        h.Work(6_000 * Millisecond);
        h.Engine.OnMessage(3, new SealingClient("mm-1001-key").LogonRequest());
        h.Work();
        Assert.Single(h.Links.Received(3).OfTemplate(LogonChallengeDecoder.TemplateId));
    }

    [Fact]
    public void A_request_offered_twice_gets_the_same_challenge_and_one_proof_logs_on()
    {
        using var h = new Harness(clearKeyLogon: false);
        var client = new SealingClient("mm-1001-key");
        byte[] request = client.LogonRequest();
        h.Engine.OnMessage(1, request);
        h.Work();
        h.Engine.OnMessage(1, request);
        h.Work();
        var challenges = h.Links.Received(1).OfTemplate(LogonChallengeDecoder.TemplateId).ToList();
        Assert.Equal(2, challenges.Count);
        Assert.Equal(challenges[0], challenges[1]);
        h.Engine.OnMessage(1, client.Proof(challenges[1]));
        h.Work();
        Assert.Single(h.Links.Received(1).OfTemplate(LogonAckDecoder.TemplateId));
    }

    [Fact]
    public void Operators_log_on_by_challenge_response_too()
    {
        using var h = new Harness(clearKeyLogon: false);
        var op = new SealingClient("ops-admin-key");
        Handshake(h, 5, op);
        h.Engine.OnMessage(5, op.Seal(Client.Encode(new Deposit(1001, 1, 5))));
        h.Work();
        Assert.NotEmpty(h.Links.Received(5).OfTemplate(BalanceChangedDecoder.TemplateId));
    }

    [Fact]
    public void A_session_mac_seals_the_same_trailer_as_the_one_shot_and_opens_only_what_it_sealed()
    {
        byte[] key = SessionAuth.SessionKey("secret"u8, SessionAuth.NewNonce(), SessionAuth.NewNonce());
        using var mac = new SessionMac(key);
        byte[] order = Client.Limit(1001, 1, Side.Buy, 59_000);
        var a = new byte[order.Length + SessionAuth.TrailerLength];
        var b = new byte[a.Length];
        order.CopyTo(a, 0);
        order.CopyTo(b, 0);
        Assert.Equal(a.Length, mac.Seal(a, order.Length, 42));
        SessionAuth.Seal(key, b, order.Length, 42);
        Assert.Equal(a, b);
        Assert.True(mac.Open(a, out ulong sequence, out int length));
        Assert.Equal((42UL, order.Length), (sequence, length));
        a[^1] ^= 1;
        Assert.False(mac.Open(a, out _, out _));
        Assert.False(mac.Open(a.AsSpan(0, 20), out _, out _));
    }

    [Fact]
    public void Sealed_orders_through_OnMessage_allocate_nothing_after_warm_up()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None }, clearKeyLogon: false);
        var buyer = new SealingClient("mm-1001-key");
        var seller = new SealingClient("mm-1002-key");
        Handshake(h, 1, buyer);
        Handshake(h, 2, seller);
        h.Links.Clear();
        h.Links.Record = false;
        var buffer = new byte[256];
        long id = 1;

        void Run(int orders, ref long id)
        {
            for (int i = 0; i < orders; i++, id++)
            {
                var order = new NewOrder(1001, id, 1, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000);
                int length = CommandCodec.Encode(order, buffer);
                length = SessionAuth.Seal(buyer.Key, buffer, length, ++buyer.Sequence);
                h.Engine.OnMessage(1, buffer.AsSpan(0, length));
                var sell = new NewOrder(1002, id, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, 1_000_000);
                length = CommandCodec.Encode(sell, buffer);
                length = SessionAuth.Seal(seller.Key, buffer, length, ++seller.Sequence);
                h.Engine.OnMessage(2, buffer.AsSpan(0, length));
                if (i % 64 == 0) h.Work();
            }
            h.Work();
        }

        Run(5_000, ref id);
        long sequenceBefore = h.Engine.LastSequence;
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(20_000, ref id);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(sequenceBefore + 40_000, h.Engine.LastSequence);
        Assert.Equal(0, h.Engine.RefusedSealedMessages);
    }
}
