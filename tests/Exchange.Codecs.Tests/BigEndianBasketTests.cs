// Our own schema (Schemas/big-endian-basket.xml) covers what the Car does not: big-endian byte order, a custom
// header, three levels of nested groups with var data at each level, offset attributes, optional uint64, an
// int32 enum with a negative value and a field added in version 2.
using System.Buffers.Binary;
using System.Text;
using Big.Endian.Basket;
using Exchange.Sbe;

namespace Exchange.Codecs.Tests;

public class BigEndianBasketTests
{
    private const int Header = FrameHeaderDecoder.EncodedLength;

    [Fact]
    public void Basket_round_trips_every_value_through_three_levels_of_groups()
    {
        var bytes = Encode();
        Assert.Equal(Expected, Decode(bytes));
    }

    [Fact]
    public void Header_is_the_custom_big_endian_frame_header()
    {
        var bytes = Encode();
        Assert.Equal(9, Header);
        Assert.Equal(new byte[] { 0x00, 0x4D, 3, 2, 0, 0, 0, 72, 0 }, bytes[..Header]);
        var header = FrameHeaderDecoder.Wrap(bytes, 0);
        Assert.Equal(77, header.SchemaId);
        Assert.Equal(3, header.TemplateId);
        Assert.Equal(2, header.Version);
        Assert.Equal(72U, header.BlockLength);
    }

    [Fact]
    public void Fields_are_big_endian_at_their_offsets()
    {
        var body = Encode().AsSpan(Header);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, body[..8].ToArray());
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, body[8..12].ToArray());
        Assert.Equal(new byte[] { 0x02, 0x01 }, body[12..14].ToArray());
        // limitPrice has offset="16": two bytes of padding after flags.
        Assert.Equal(new byte[] { 0, 0 }, body[14..16].ToArray());
        Assert.Equal(1234567L, BinaryPrimitives.ReadInt64BigEndian(body[16..]));
        Assert.Equal(ulong.MaxValue, BinaryPrimitives.ReadUInt64BigEndian(body[24..]));
        Assert.Equal(-300, BinaryPrimitives.ReadInt16BigEndian(body[44..]));
        // window.end has offset="8" inside its composite, which starts at 54.
        Assert.Equal(20U, BinaryPrimitives.ReadUInt32BigEndian(body[(54 + 8)..]));
        Assert.Equal((ushort)Venue.Dark, BinaryPrimitives.ReadUInt16BigEndian(body[66..]));
        // The legs dimension (smallGroupSize: uint16 blockLength, uint8 numInGroup) follows the 72-byte block.
        Assert.Equal(BasketDecoder.LegsDecoder.BlockLength, BinaryPrimitives.ReadUInt16BigEndian(body[72..]));
        Assert.Equal(2, body[74]);
    }

    [Fact]
    public void Layout_constants_follow_offsets_and_block_length_attributes()
    {
        Assert.Equal(72, BasketDecoder.BlockLength);
        Assert.Equal(12, WindowDecoder.EncodedLength);
        Assert.Equal(8, PriceDecoder.EncodedLength);
        Assert.Equal(3, BasketDecoder.LegsDecoder.DimensionLength);
        Assert.Equal(8, BasketDecoder.LegsDecoder.FillsDecoder.DimensionLength);
        Assert.Equal(1000, BasketDecoder.LegsDecoder.FillsDecoder.MaxCount);
        // uint8 numInGroup: 255 is its null value, so 254 entries at most.
        Assert.Equal(254, BasketDecoder.LegsDecoder.MaxCount);
        Assert.Equal(ulong.MaxValue, BasketDecoder.MaxQuantityNullValue);
        Assert.Equal(ulong.MaxValue - 1, BasketDecoder.MaxQuantityMaxValue);
        Assert.Equal(-1, (int)Side.Sell);
        Assert.Equal(int.MinValue, (int)Side.NULL_VALUE);
        Assert.Equal((OrderFlags)0x0201, OrderFlags.PostOnly | OrderFlags.ReduceOnly);
    }

    [Fact]
    public void Version_1_reader_view_gives_the_null_value_for_the_version_2_field()
    {
        var bytes = Encode();
        bytes[3] = 1;
        var basket = BasketDecoder.WrapWithHeader(bytes);
        Assert.False(basket.VenueInActingVersion);
        Assert.Equal(Venue.NULL_VALUE, basket.Venue);
        Assert.Equal(Side.Sell, basket.Side);
        Assert.Equal(66, BasketDecoder.MinimumBlockLength(1));
        Assert.Equal(68, BasketDecoder.MinimumBlockLength(2));
    }

    [Fact]
    public void Wrong_template_in_the_custom_header_is_detected()
    {
        var bytes = Encode();
        bytes[2] = 4;
        Assert.Equal(SbeError.WrongTemplate, BasketDecoder.TryWrapWithHeader(bytes, 0, out _));
    }

    [Fact]
    public void Every_truncation_of_a_basket_fails_with_our_error()
    {
        var bytes = Encode();
        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes[..length];
            Assert.Equal(SbeError.Truncated, Assert.Throws<SbeException>(() => Decode(truncated)).Error);
        }
    }

    [Fact]
    public void Mutated_baskets_only_ever_raise_our_error()
    {
        var reference = Encode();
        var random = new Random(77);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = reference[..random.Next(reference.Length / 2, reference.Length + 1)];
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                Decode(bytes);
                Assert.NotNull(BasketDecoder.WrapWithHeader(bytes).ToString());
            }
            catch (SbeException)
            {
            }
        }
    }

    [Fact]
    public void Counts_and_lengths_beyond_the_schema_maximums_are_refused_by_the_encoder()
    {
        var buffer = new byte[4096];
        Assert.Equal(SbeError.CountOutOfRange, Assert.Throws<SbeException>(() =>
        {
            var basket = BasketEncoder.WrapAndApplyHeader(buffer, 0);
            var legs = basket.LegsCount(1);
            legs.Next();
            legs.FillsCount(1001);
        }).Error);
        Assert.Equal(SbeError.CountOutOfRange, Assert.Throws<SbeException>(() =>
            BasketEncoder.WrapAndApplyHeader(buffer, 0).LegsCount(255)).Error);
        Assert.Equal(SbeError.LengthOutOfRange, Assert.Throws<SbeException>(() =>
        {
            var basket = BasketEncoder.WrapAndApplyHeader(buffer, 0);
            basket.LegsCount(0);
            basket.WriteComment(new byte[501]);
        }).Error);
    }

    [Fact]
    public void Fill_count_above_its_max_value_is_rejected_by_the_decoder()
    {
        var bytes = Encode();
        // First leg entry: legs dimension (3) + leg block (12); the fills dimension starts with numInGroup (uint32).
        var fills = Header + BasketDecoder.BlockLength + 3 + BasketDecoder.LegsDecoder.BlockLength;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(fills), 1001);
        Assert.Equal(SbeError.CountOutOfRange, Assert.Throws<SbeException>(() => Decode(bytes)).Error);
    }

    private const string Expected =
        "basket 0102030405060708 Sell PostOnly, ReduceOnly 1234567e-4 max=null 0.25 1.5 -300 BTC-USD XB [10,20] Dark\n"
        + "leg 1 qty=100 text=first\n"
        + "fill 100e-4 venue=X1\n"
        + "fee -5 U maker\n"
        + "fee 7 E \n"
        + "fill 101e-4 venue=\n"
        + "leg 2 qty=null text=second leg\n"
        + "comment=hello ✓";

    private static byte[] Encode()
    {
        var buffer = new byte[1024];
        var basket = BasketEncoder.WrapAndApplyHeader(buffer, 0);
        basket.BasketId = 0x0102030405060708;
        basket.Side = Side.Sell;
        basket.Flags = OrderFlags.PostOnly | OrderFlags.ReduceOnly;
        // Composite encoders are flyweights: take one into a local, then set its members.
        var limitPrice = basket.LimitPrice;
        limitPrice.Mantissa = 1234567;
        basket.MaxQuantity = BasketEncoder.MaxQuantityNullValue;
        basket.Ratio = 0.25;
        basket.Weight = 1.5f;
        basket.Delta = -300;
        basket.Symbol = "BTC-USD"u8;
        var window = basket.Window;
        window.Start = 10;
        window.End = 20;
        basket.Venue = Venue.Dark;

        var legs = basket.LegsCount(2);
        legs.Next();
        legs.LegId = 1;
        legs.Quantity = 100;
        var fills = legs.FillsCount(2);
        fills.Next();
        var fillPrice = fills.FillPrice;
        fillPrice.Mantissa = 100;
        var fees = fills.FeesCount(2);
        fees.Next();
        fees.Amount = -5;
        fees.Currency = (byte)'U';
        fees.WriteNote("maker"u8);
        fees.Next();
        fees.Amount = 7;
        fees.Currency = (byte)'E';
        fees.WriteNote([]);
        fills.WriteVenueRef("X1"u8);
        fills.Next();
        fillPrice = fills.FillPrice;
        fillPrice.Mantissa = 101;
        fills.FeesCount(0);
        fills.WriteVenueRef([]);
        legs.WriteLegText("first"u8);
        legs.Next();
        legs.LegId = 2;
        legs.Quantity = BasketEncoder.LegsEncoder.QuantityNullValue;
        legs.FillsCount(0);
        legs.WriteLegText("second leg"u8);
        basket.WriteComment(Encoding.UTF8.GetBytes("hello ✓"));
        return buffer[..basket.Limit];
    }

    // Reads the whole basket in schema order into one line per entry.
    private static string Decode(byte[] bytes)
    {
        var text = new StringBuilder();
        var basket = BasketDecoder.WrapWithHeader(bytes);
        var max = basket.MaxQuantity == BasketDecoder.MaxQuantityNullValue ? "null" : basket.MaxQuantity.ToString();
        var limitPrice = basket.LimitPrice;
        text.Append($"basket {basket.BasketId:x16} {basket.Side} {basket.Flags} {limitPrice.Mantissa}e{limitPrice.Exponent} max={max} ")
            .Append($"{basket.Ratio} {basket.Weight} {basket.Delta} {basket.SymbolAsString()} {basket.TagAsString()} ")
            .Append($"[{basket.Window.Start},{basket.Window.End}] {basket.Venue}\n");
        var legs = basket.ReadLegs();
        while (legs.Next())
        {
            var legId = legs.LegId;
            var quantity = legs.Quantity == BasketDecoder.LegsDecoder.QuantityNullValue ? "null" : legs.Quantity.ToString();
            var lines = new StringBuilder();
            var fills = legs.ReadFills();
            while (fills.Next())
            {
                lines.Append($"fill {fills.FillPrice.Mantissa}e{fills.FillPrice.Exponent}");
                var fees = fills.ReadFees();
                var feeLines = new StringBuilder();
                while (fees.Next())
                {
                    feeLines.Append($"fee {fees.Amount} {(char)fees.Currency} {Encoding.UTF8.GetString(fees.ReadNote())}\n");
                }

                lines.Append($" venue={Encoding.UTF8.GetString(fills.ReadVenueRef())}\n").Append(feeLines);
            }

            text.Append($"leg {legId} qty={quantity} text={Encoding.UTF8.GetString(legs.ReadLegText())}\n").Append(lines);
        }

        text.Append($"comment={Encoding.UTF8.GetString(basket.ReadComment())}");
        return text.ToString();
    }
}
