namespace ClinChat.Ingestion.Tests;

public sealed class SentenceSplitterTests
{
    [Theory]
    [InlineData("Dr. Smith reviewed the chart. The patient was stable.", "Dr. Smith reviewed the chart.¦The patient was stable.")]
    [InlineData("Give 2.5 mg twice daily. Review in 3.5 weeks.", "Give 2.5 mg twice daily.¦Review in 3.5 weeks.")]
    [InlineData("Use NSAIDs, e.g. ibuprofen, with food. Avoid them in CKD, i.e. eGFR below 30.",
        "Use NSAIDs, e.g. ibuprofen, with food.¦Avoid them in CKD, i.e. eGFR below 30.")]
    [InlineData("Warfarin vs. apixaban was compared. Bleeding was rare.", "Warfarin vs. apixaban was compared.¦Bleeding was rare.")]
    [InlineData("It lasts approx. 3 days. See Fig. 2 for details.", "It lasts approx. 3 days.¦See Fig. 2 for details.")]
    [InlineData("Apply cream No. 5 at night. St. John's wort interacts with SSRIs.",
        "Apply cream No. 5 at night.¦St. John's wort interacts with SSRIs.")]
    [InlineData("Approved in the U.S. Food and Drug Administration labels. Done.",
        "Approved in the U.S. Food and Drug Administration labels.¦Done.")]
    [InlineData("Take 500 mg. Then reassess.", "Take 500 mg.¦Then reassess.")]
    [InlineData("The dose is 5 mg. daily at most.", "The dose is 5 mg. daily at most.")]
    [InlineData("Reported by J. Smith and A. B. Jones. Confirmed later.", "Reported by J. Smith and A. B. Jones.¦Confirmed later.")]
    [InlineData("It is caused by hepatitis B. Treatment is antiviral.", "It is caused by hepatitis B.¦Treatment is antiviral.")]
    [InlineData("Levels of Vitamin D. The test is cheap.", "Levels of Vitamin D.¦The test is cheap.")]
    [InlineData("He said \"stop now.\" Then he left.", "He said \"stop now.\"¦Then he left.")]
    [InlineData("Rest is advised (see below.) Fluids help.", "Rest is advised (see below.)¦Fluids help.")]
    [InlineData("Is it contagious? Yes! It spreads by droplets.", "Is it contagious?¦Yes!¦It spreads by droplets.")]
    [InlineData("Symptoms vary... Some patients recover. Others wait… Then improve.",
        "Symptoms vary...¦Some patients recover.¦Others wait…¦Then improve.")]
    [InlineData("The word \"no.\" was typed... and so on.", "The word \"no.\" was typed... and so on.")]
    [InlineData("See www.example.org for details. Call 111.", "See www.example.org for details.¦Call 111.")]
    [InlineData("Dosage\nTake one tablet daily.", "Dosage¦Take one tablet daily.")]
    [InlineData("Common symptoms:\n- fever\n- dry cough\n1. Rest\n2) Fluids", "Common symptoms:¦- fever¦- dry cough¦1. Rest¦2) Fluids")]
    [InlineData("The patient was treated with oral\nantibiotics for seven days.", "The patient was treated with oral\nantibiotics for seven days.")]
    [InlineData("First paragraph without a full stop\n\nSecond paragraph.", "First paragraph without a full stop¦Second paragraph.")]
    [InlineData("Drug | Dose\nAmoxicillin | 500 mg", "Drug | Dose¦Amoxicillin | 500 mg")]
    [InlineData("Linkage was shown by Neubauer et al. (1998) in one family.", "Linkage was shown by Neubauer et al. (1998) in one family.")]
    [InlineData("Fatigue not relieved by rest. 2. Post-exertional malaise.", "Fatigue not relieved by rest.¦2. Post-exertional malaise.")]
    [InlineData("First described by Dr. M.M. Cohen in 1973.", "First described by Dr. M.M. Cohen in 1973.")]
    [InlineData("Vaccines exist for hepatitis A and B. The others have none.", "Vaccines exist for hepatitis A and B.¦The others have none.")]
    [InlineData("   ", "")]
    public void Split_HardCases_FindsExpectedSentences(string text, string expected)
    {
        var sentences = SentenceSplitter.Split(text).Select(s => text.Substring(s.Start, s.Length));

        Assert.Equal(expected.Length == 0 ? [] : expected.Split('¦'), sentences);
    }

    [Fact]
    public void Split_Range_ReturnsSpansInsideTheRangeOfTheOriginalText()
    {
        const string text = "Ignore this. First one. Second one. Ignore that.";
        var start = text.IndexOf("First", StringComparison.Ordinal);
        var end = text.IndexOf(" Ignore that", StringComparison.Ordinal);

        var spans = SentenceSplitter.Split(text, start, end - start);

        Assert.Equal(["First one.", "Second one."], spans.Select(s => text.Substring(s.Start, s.Length)));
    }

    [Fact]
    public void Split_AnyText_SpansAreTrimmedOrderedAndCoverEveryNonWhitespaceCharacter()
    {
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var text = GeneratedText.Create(random, random.Next(1, 12));

            var spans = SentenceSplitter.Split(text);

            var covered = new bool[text.Length];
            var previousEnd = 0;
            foreach (var (start, length) in spans)
            {
                Assert.True(length > 0);
                Assert.True(start >= previousEnd, "spans overlap");
                Assert.False(char.IsWhiteSpace(text[start]));
                Assert.False(char.IsWhiteSpace(text[start + length - 1]));
                for (var i = start; i < start + length; i++)
                {
                    covered[i] = true;
                }

                previousEnd = start + length;
            }

            for (var i = 0; i < text.Length; i++)
            {
                if (!covered[i] && !char.IsWhiteSpace(text[i]))
                {
                    Assert.Fail($"character {i} not covered in: {text}");
                }
            }
        }
    }
}
