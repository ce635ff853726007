// Channel URIs parse as Aeron operators write them, and every mistake gets a one-line error naming the culprit.
using Exchange.Transport;

namespace Exchange.Transport.Tests;

public class ChannelUriTests
{
    [Fact]
    public void Minimal_unicast_channel_has_an_endpoint_and_aeron_defaults()
    {
        var uri = ChannelUri.Parse("aeron:udp?endpoint=localhost:40123");
        Assert.Equal(new ChannelEndpoint("localhost", 40123), uri.Endpoint);
        Assert.Equal(1408, uri.Mtu);
        Assert.Equal(16 * 1024 * 1024, uri.TermLength);
        Assert.Null(uri.Control);
        Assert.Null(uri.Interface);
    }

    [Fact]
    public void Every_supported_key_is_stored()
    {
        var uri = ChannelUri.Parse(
            "aeron:udp?endpoint=10.0.0.1:40123|control=10.0.0.2:40124|interface=10.0.0.0/24|mtu=8k|term-length=64k" +
            "|ttl=8|session-id=-42|linger=5s|rcv-wnd=128k|so-rcvbuf=2m|so-sndbuf=1g");
        Assert.Equal(new ChannelEndpoint("10.0.0.1", 40123), uri.Endpoint);
        Assert.Equal(new ChannelEndpoint("10.0.0.2", 40124), uri.Control);
        Assert.Equal(new ChannelInterface("10.0.0.0", null, 24), uri.Interface);
        Assert.Equal(8192, uri.Mtu);
        Assert.Equal(65536, uri.TermLength);
        Assert.Equal(8, uri.Ttl);
        Assert.Equal(-42, uri.SessionId);
        Assert.Equal(5_000_000_000, uri.LingerNanoseconds);
        Assert.Equal(128 * 1024, uri.ReceiverWindow);
        Assert.Equal(2 * 1024 * 1024, uri.SocketReceiveBufferLength);
        Assert.Equal(1024 * 1024 * 1024, uri.SocketSendBufferLength);
    }

    [Theory]
    [InlineData("64k", 64 * 1024)]
    [InlineData("64K", 64 * 1024)]
    [InlineData("1m", 1024 * 1024)]
    [InlineData("1g", 1024 * 1024 * 1024)]
    [InlineData("131072", 131072)]
    public void Term_length_takes_k_m_g_suffixes(string value, int expected) =>
        Assert.Equal(expected, ChannelUri.Parse($"aeron:udp?endpoint=h:1|term-length={value}").TermLength);

    [Theory]
    [InlineData("200", 200)]
    [InlineData("200ns", 200)]
    [InlineData("3us", 3_000)]
    [InlineData("250ms", 250_000_000)]
    [InlineData("0", 0)]
    public void Linger_is_a_duration_in_nanoseconds_or_with_a_unit(string value, long expected) =>
        Assert.Equal(expected, ChannelUri.Parse($"aeron:udp?endpoint=h:1|linger={value}").LingerNanoseconds);

    [Fact]
    public void Ipv6_endpoint_is_written_in_brackets()
    {
        var uri = ChannelUri.Parse("aeron:udp?endpoint=[::1]:40123");
        Assert.Equal(new ChannelEndpoint("::1", 40123), uri.Endpoint);
        Assert.True(uri.Endpoint.IsIPv6);
        Assert.Equal("[::1]:40123", uri.Endpoint.ToString());
    }

    [Fact]
    public void An_ipc_channel_has_a_name_and_a_stream_shape_but_no_endpoint()
    {
        var uri = ChannelUri.Parse("aeron:ipc?name=engine-1|term-length=1m|mtu=8k|session-id=-5");
        Assert.True(uri.IsIpc);
        Assert.Equal("engine-1", uri.IpcName);
        Assert.Equal(1 << 20, uri.TermLength);
        Assert.Equal(8192, uri.Mtu);
        Assert.Equal(-5, uri.SessionId);
        Assert.Throws<InvalidOperationException>(() => uri.Endpoint);
        Assert.Equal("aeron:ipc?name=engine-1|mtu=8192|term-length=1048576|session-id=-5", uri.ToString());
        Assert.Equal(ChannelUri.DefaultIpcName, ChannelUri.Parse("aeron:ipc").IpcName);
        Assert.False(ChannelUri.Parse("aeron:udp?endpoint=h:1").IsIpc);
    }

    [Fact]
    public void Interface_may_carry_a_port_and_an_ipv6_subnet()
    {
        Assert.Equal(new ChannelInterface("192.168.1.5", 40200, null), ChannelUri.Parse("aeron:udp?endpoint=h:1|interface=192.168.1.5:40200").Interface);
        Assert.Equal(new ChannelInterface("fe80::1", null, 64), ChannelUri.Parse("aeron:udp?endpoint=h:1|interface=[fe80::1]/64").Interface);
    }

    [Theory]
    [InlineData("udp?endpoint=h:1", "must start with 'aeron:'")]
    [InlineData("aeron:ipc?endpoint=h:1", "parameter 'endpoint' does not apply to an ipc channel")]
    [InlineData("aeron:ipc?ttl=3", "parameter 'ttl' does not apply to an ipc channel")]
    [InlineData("aeron:ipc?name=../etc", "ipc name '../etc' starts with '.'")]
    [InlineData("aeron:ipc?name=a/b", "ipc name 'a/b' has '/'")]
    [InlineData("aeron:ipc?colour=blue", "unknown parameter 'colour'")]
    [InlineData("aeron:tcp?endpoint=h:1", "unsupported media 'tcp'")]
    [InlineData("aeron:?endpoint=h:1", "has no media")]
    [InlineData("aeron:udp", "has no endpoint")]
    [InlineData("aeron:udp?mtu=1408", "has no endpoint")]
    [InlineData("aeron:udp?endpoint", "parameter 'endpoint' must be key=value")]
    [InlineData("aeron:udp?=x", "parameter '=x' must be key=value")]
    [InlineData("aeron:udp?endpoint=", "parameter 'endpoint' has an empty value")]
    [InlineData("aeron:udp?endpoint=h:1|endpoint=h:2", "parameter 'endpoint' is given more than once")]
    [InlineData("aeron:udp?endpoint=h:1|reliable=false", "unknown parameter 'reliable'")]
    [InlineData("aeron:udp?endpoint=h", "endpoint 'h' needs a port")]
    [InlineData("aeron:udp?endpoint=h:65536", "bad port '65536'")]
    [InlineData("aeron:udp?endpoint=h:-1", "bad port '-1'")]
    [InlineData("aeron:udp?endpoint=h:x", "bad port 'x'")]
    [InlineData("aeron:udp?endpoint=:40123", "bad host ''")]
    [InlineData("aeron:udp?endpoint=bad host:1", "bad host 'bad host'")]
    [InlineData("aeron:udp?endpoint=999.1.1.1:1", "bad host '999.1.1.1'")]
    [InlineData("aeron:udp?endpoint=::1:40123", "write it in brackets")]
    [InlineData("aeron:udp?endpoint=[::1:40123", "without a closing ']'")]
    [InlineData("aeron:udp?endpoint=[nothost]:1", "bad IPv6 address 'nothost'")]
    [InlineData("aeron:udp?endpoint=[::1]x1", "unexpected 'x1' after ']'")]
    [InlineData("aeron:udp?endpoint=h:1|control=h", "control 'h' needs a port")]
    [InlineData("aeron:udp?endpoint=h:1|interface=10.0.0.0/33", "longer than an IPv4 address")]
    [InlineData("aeron:udp?endpoint=h:1|interface=10.0.0.0/x", "bad subnet prefix 'x'")]
    [InlineData("aeron:udp?endpoint=h:1|interface=h:99999", "bad port '99999'")]
    [InlineData("aeron:udp?endpoint=h:1|mtu=abc", "mtu 'abc' has bad suffix 'c'")]
    [InlineData("aeron:udp?endpoint=h:1|mtu=1400", "mtu 1400 is out of range")]
    [InlineData("aeron:udp?endpoint=h:1|mtu=64k", "mtu 65536 is out of range")]
    [InlineData("aeron:udp?endpoint=h:1|mtu=32", "mtu 32 is out of range")]
    [InlineData("aeron:udp?endpoint=h:1|term-length=64x", "term-length '64x' has bad suffix 'x'")]
    [InlineData("aeron:udp?endpoint=h:1|term-length=k", "term-length 'k' is not a number")]
    [InlineData("aeron:udp?endpoint=h:1|term-length=96k", "term-length 98304 is not a power of two")]
    [InlineData("aeron:udp?endpoint=h:1|term-length=32k", "term-length 32768 is out of range")]
    [InlineData("aeron:udp?endpoint=h:1|term-length=2g", "term-length 2147483648 is out of range")]
    [InlineData("aeron:udp?endpoint=h:1|term-length=99999999999999999999", "is not a number")]
    [InlineData("aeron:udp?endpoint=h:1|ttl=256", "ttl 256 is out of range")]
    [InlineData("aeron:udp?endpoint=h:1|ttl=-1", "ttl '-1' is not a number")]
    [InlineData("aeron:udp?endpoint=h:1|session-id=x", "session-id 'x' is not a 32-bit integer")]
    [InlineData("aeron:udp?endpoint=h:1|session-id=4294967296", "session-id '4294967296' is not a 32-bit integer")]
    [InlineData("aeron:udp?endpoint=h:1|linger=5h", "linger '5h' has bad suffix 'h'")]
    [InlineData("aeron:udp?endpoint=h:1|linger=ms", "linger 'ms' is not a number")]
    [InlineData("aeron:udp?endpoint=h:1|linger=99999999999999999s", "linger '99999999999999999s' is too large")]
    [InlineData("aeron:udp?endpoint=h:1|rcv-wnd=2g", "rcv-wnd 2147483648 is too large")]
    [InlineData("aeron:udp?endpoint=h:1|so-rcvbuf=1.5m", "so-rcvbuf '1.5m' is not a number")]
    [InlineData("aeron:udp?endpoint=h:1|so-sndbuf=1t", "so-sndbuf '1t' has bad suffix 't'")]
    public void Bad_channel_is_rejected_with_a_one_line_error_naming_the_problem(string text, string expected)
    {
        Assert.False(ChannelUri.TryParse(text, out var uri, out string error));
        Assert.Null(uri);
        Assert.Contains(expected, error);
        Assert.DoesNotContain('\n', error);
        Assert.Equal(error, Assert.Throws<FormatException>(() => ChannelUri.Parse(text)).Message);
    }
}
