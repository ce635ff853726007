// The FIX 4.4 dictionary: which tags exist, their types and values, and the layouts of the messages we support.
namespace Exchange.Fix.Tests;

public class DictionaryTests
{
    [Fact]
    public void Tags_1_to_956_are_FIX_44_tags_except_the_three_it_leaves_undefined()
    {
        var undefined = Enumerable.Range(1, 956).Where(t => Fix44.FieldType(t) == FixFieldType.Undefined);
        Assert.Equal([101, 261, 809], undefined);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-5, false)]
    [InlineData(1, true)]
    [InlineData(956, true)]
    [InlineData(957, false)]
    [InlineData(4999, false)]
    [InlineData(5000, true)]
    [InlineData(9999, true)]
    [InlineData(10000, false)]
    public void Valid_tags_are_FIX_44_ones_and_the_user_defined_range(int tag, bool valid)
    {
        Assert.Equal(valid, Fix44.IsValidTag(tag));
    }

    [Theory]
    [InlineData(FixTag.Price, FixFieldType.Price)]
    [InlineData(FixTag.OrderQty, FixFieldType.Qty)]
    [InlineData(FixTag.Commission, FixFieldType.Amt)]
    [InlineData(FixTag.SendingTime, FixFieldType.UtcTimestamp)]
    [InlineData(FixTag.Side, FixFieldType.Char)]
    [InlineData(FixTag.PossDupFlag, FixFieldType.Boolean)]
    [InlineData(FixTag.NoPartyIDs, FixFieldType.NumInGroup)]
    [InlineData(FixTag.RawData, FixFieldType.Data)]
    [InlineData(FixTag.ExecInst, FixFieldType.MultipleValueString)]
    [InlineData(FixTag.Currency, FixFieldType.Currency)]
    [InlineData(FixTag.SecurityExchange, FixFieldType.Exchange)]
    [InlineData(FixTag.TradeDate, FixFieldType.LocalMktDate)]
    [InlineData(FixTag.MsgSeqNum, FixFieldType.SeqNum)]
    [InlineData(FixTag.BodyLength, FixFieldType.Length)]
    [InlineData(FixTag.HeartBtInt, FixFieldType.Int)]
    [InlineData(FixTag.Symbol, FixFieldType.String)]
    [InlineData(FixTag.MaturityMonthYear, FixFieldType.MonthYear)]
    [InlineData(155, FixFieldType.Float)]
    [InlineData(158, FixFieldType.Percentage)]
    [InlineData(189, FixFieldType.PriceOffset)]
    [InlineData(205, FixFieldType.DayOfMonth)]
    [InlineData(272, FixFieldType.UtcDateOnly)]
    [InlineData(273, FixFieldType.UtcTimeOnly)]
    [InlineData(421, FixFieldType.Country)]
    [InlineData(956, FixFieldType.LocalMktDate)]
    public void Tags_have_their_FIX_44_types(int tag, FixFieldType type)
    {
        Assert.Equal(type, Fix44.FieldType(tag));
    }

    [Fact]
    public void The_supported_messages_are_the_session_and_order_entry_ones()
    {
        var types = Fix44.Messages.ToArray().Select(m => m.MsgType).Order(StringComparer.Ordinal);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "8", "9", "A", "D", "F", "G", "H", "j", "q", "r"], types);
    }

    [Fact]
    public void The_header_requires_begin_string_body_length_msg_type_comp_ids_seq_num_and_sending_time()
    {
        var header = Fix44.Header;
        var required = Enumerable.Range(0, header.Count).Where(header.IsRequired).Select(header.Tag);
        Assert.Equal([8, 9, 35, 49, 56, 34, 52], required);
        Assert.Equal([93, 89, 10], Enumerable.Range(0, Fix44.Trailer.Count).Select(Fix44.Trailer.Tag));
    }

    [Theory]
    [InlineData("D", new[] { 11, 54, 60, 40 })]
    [InlineData("F", new[] { 41, 11, 54, 60 })]
    [InlineData("G", new[] { 41, 11, 54, 60, 40 })]
    [InlineData("H", new[] { 11, 54 })]
    [InlineData("q", new[] { 11, 530, 60 })]
    [InlineData("8", new[] { 37, 17, 150, 39, 54, 151, 14, 6 })]
    [InlineData("9", new[] { 37, 11, 41, 39, 434 })]
    [InlineData("r", new[] { 37, 530, 531 })]
    [InlineData("j", new[] { 372, 380 })]
    [InlineData("A", new[] { 98, 108 })]
    [InlineData("2", new[] { 7, 16 })]
    [InlineData("3", new[] { 45 })]
    public void Messages_require_the_fields_FIX_44_requires(string msgType, int[] required)
    {
        var fields = Fix44.Message(System.Text.Encoding.ASCII.GetBytes(msgType))!.Fields;
        Assert.Equal(required, Enumerable.Range(0, fields.Count).Where(fields.IsRequired).Select(fields.Tag));
    }

    [Fact]
    public void Order_entry_messages_define_the_standard_fields()
    {
        var order = Fix44.Message("D"u8)!.Fields;
        foreach (int tag in new[] { 1, 11, 15, 18, 21, 38, 40, 44, 54, 55, 58, 59, 60, 99, 110, 111, 126, 453 })
            Assert.True(order.Contains(tag), $"NewOrderSingle lacks {tag}");
        var replace = Fix44.Message("G"u8)!.Fields;
        Assert.True(replace.Contains(FixTag.OrigClOrdID) && replace.Contains(FixTag.OrderID));
        var parties = order.Group(order.PositionOf(FixTag.NoPartyIDs))!;
        Assert.Equal(FixTag.PartyID, parties.DelimiterTag);
        var subIds = parties.Fields.Group(parties.Fields.PositionOf(FixTag.NoPartySubIDs))!;
        Assert.Equal([523, 803], Enumerable.Range(0, subIds.Fields.Count).Select(subIds.Fields.Tag));
    }

    [Fact]
    public void Every_tag_in_every_layout_is_a_FIX_44_tag_and_every_group_counter_a_NumInGroup()
    {
        foreach (var message in Fix44.Messages.ToArray())
            AssertScope(message.Fields, message.Name);
        AssertScope(Fix44.Header, "header");
        AssertScope(Fix44.Trailer, "trailer");

        static void AssertScope(FixFieldSet scope, string where)
        {
            for (int p = 0; p < scope.Count; p++)
            {
                int tag = scope.Tag(p);
                Assert.True(Fix44.FieldType(tag) != FixFieldType.Undefined, $"{where}: {tag}");
                var group = scope.Group(p);
                if (group is null)
                {
                    Assert.True(Fix44.FieldType(tag) != FixFieldType.NumInGroup, $"{where}: {tag} counts no group");
                    continue;
                }
                Assert.True(Fix44.FieldType(tag) == FixFieldType.NumInGroup, $"{where}: group {tag}");
                AssertScope(group.Fields, $"{where}/{tag}");
            }
        }
    }

    [Fact]
    public void Every_data_field_follows_a_length_field()
    {
        for (int tag = 1; tag <= 956; tag++)
        {
            int lengthTag = Fix44.DataLengthTag(tag);
            Assert.Equal(Fix44.FieldType(tag) == FixFieldType.Data, lengthTag != 0);
            if (lengthTag != 0) Assert.Equal(FixFieldType.Length, Fix44.FieldType(lengthTag));
        }
    }

    [Fact]
    public void Every_enumerated_value_is_well_formed_for_its_field_type()
    {
        for (int tag = 1; tag <= 956; tag++)
        {
            var values = System.Text.Encoding.ASCII.GetString(Fix44.EnumValues(tag));
            if (values.Length == 0) continue;
            foreach (string value in values.Split(' '))
            {
                var type = Fix44.FieldType(tag);
                bool wellFormed = type switch
                {
                    FixFieldType.Char => value.Length == 1,
                    FixFieldType.Int or FixFieldType.NumInGroup => int.TryParse(value, out _),
                    _ => type is FixFieldType.String or FixFieldType.MultipleValueString,
                };
                Assert.True(wellFormed, $"{tag}={value} for {type}");
                Assert.True(Fix44.IsAllowedValue(tag, System.Text.Encoding.ASCII.GetBytes(value)));
            }
        }
    }

    // Every field the FIX 4.4 data dictionary enumerates, Booleans (checked by format) and MsgType (reason 11) aside.
    private static readonly int[] EnumeratedTags =
    [
        4, 5, 13, 18, 21, 22, 25, 27, 28, 29, 39, 40, 54, 59, 61, 63, 71, 77, 81, 87, 88, 94, 98, 102, 103, 104, 127,
        139, 150, 156, 160, 163, 165, 167, 169, 172, 197, 201, 203, 209, 216, 233, 235, 263, 265, 269, 274, 276, 277,
        279, 281, 285, 286, 291, 292, 297, 298, 300, 301, 303, 321, 323, 326, 327, 334, 338, 339, 340, 347, 373, 374,
        378, 380, 385, 388, 394, 399, 401, 409, 414, 416, 418, 419, 423, 427, 429, 430, 431, 433, 434, 442, 447, 452,
        460, 468, 477, 480, 481, 484, 492, 495, 497, 506, 507, 514, 517, 519, 522, 528, 529, 530, 531, 532, 537, 544,
        546, 549, 550, 552, 559, 560, 563, 567, 569, 573, 574, 577, 581, 582, 585, 589, 590, 591, 626, 635, 638, 658,
        660, 665, 666, 668, 690, 692, 694, 703, 706, 707, 709, 712, 716, 718, 722, 723, 724, 725, 728, 729, 731, 744,
        747, 749, 750, 751, 752, 770, 773, 774, 775, 780, 787, 788, 792, 794, 796, 798, 803, 808, 814, 815, 819, 826,
        827, 828, 835, 836, 837, 838, 840, 841, 842, 843, 844, 846, 847, 851, 853, 854, 856, 857, 865, 871, 875, 891,
        895, 896, 903, 905, 906, 910, 919, 924, 926, 928, 935, 937, 939, 940, 944, 945, 946
    ];

    [Fact]
    public void Every_enumerated_field_of_FIX_44_has_its_values_checked()
    {
        var notChecked = EnumeratedTags.Where(tag => Fix44.EnumValues(tag).IsEmpty || Fix44.IsAllowedValue(tag, "BOO"u8));
        Assert.Empty(notChecked);
    }

    [Theory]
    [InlineData(FixTag.SecurityType, "BOO", false)]
    [InlineData(FixTag.SecurityType, "CS", true)]
    [InlineData(FixTag.SecurityType, "FUT", true)]
    [InlineData(FixTag.SecurityType, "cs", false)]
    [InlineData(63, "0", true)]
    [InlineData(63, "A", false)]
    [InlineData(277, "A B", true)]
    [InlineData(277, "A O", false)]
    [InlineData(803, "26", true)]
    [InlineData(803, "27", false)]
    [InlineData(803, "4000", true)]
    [InlineData(847, "999", false)]
    [InlineData(847, "1000", true)]
    public void Values_are_checked_against_the_enumeration_and_user_defined_ranges(int tag, string value, bool allowed)
    {
        Assert.Equal(allowed, Fix44.IsAllowedValue(tag, System.Text.Encoding.ASCII.GetBytes(value)));
    }

    [Fact]
    public void Unrestricted_tags_allow_any_value()
    {
        Assert.True(Fix44.EnumValues(FixTag.Symbol).IsEmpty);
        Assert.True(Fix44.IsAllowedValue(FixTag.Symbol, "ANYTHING"u8));
        Assert.False(Fix44.IsAllowedValue(FixTag.Side, "12"u8));
    }
}
