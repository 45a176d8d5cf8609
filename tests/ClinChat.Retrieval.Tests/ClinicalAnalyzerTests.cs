using ClinChat.Retrieval.Indexing;

namespace ClinChat.Retrieval.Tests;

public sealed class ClinicalAnalyzerTests : IDisposable
{
    private readonly ClinicalAnalyzer _analyzer = new();

    [Theory]
    [InlineData("What is a normal HbA1c?", "hba1c")]
    [InlineData("Admission criteria for COVID-19 pneumonia", "covid-19")]
    [InlineData("Mucositis after 5-FU infusion", "5-fu")]
    [InlineData("First-line therapy in T2DM", "t2dm")]
    [InlineData("Target SpO2 of 94-98%", "94-98")]
    [InlineData("Dose is 2.5 mg", "2.5")]
    public void Terms_ClinicalToken_StaysOneTerm(string text, string expected)
    {
        Assert.Contains(expected, _analyzer.Terms(text));
    }

    [Theory]
    [InlineData("HbA1c")]
    [InlineData("T2DM")]
    [InlineData("CHA2DS2-VASc")]
    public void Terms_TokenWithDigits_IsNotStemmed(string token)
    {
        // The Porter stemmer would cut a trailing "c" or "s" off a code; tokens with digits are keywords.
        Assert.Equal(token.ToLowerInvariant(), _analyzer.Terms(token)[0]);
    }

    [Fact]
    public void Terms_HyphenatedCompound_AlsoIndexesItsParts()
    {
        var terms = _analyzer.Terms("COVID-19");

        Assert.Contains("covid-19", terms);
        Assert.Contains("covid", terms);
        Assert.Contains("19", terms);
    }

    [Theory]
    [InlineData("infections", "infect")]
    [InlineData("treated", "treat")]
    [InlineData("treating", "treat")]
    [InlineData("Symptoms", "symptom")]
    [InlineData("anticoagulants", "anticoagul")]
    public void Terms_PlainWord_IsStemmed(string word, string stem)
    {
        Assert.Equal([stem], _analyzer.Terms(word));
    }

    [Fact]
    public void Terms_Question_DropsStopWordsAndPossessives()
    {
        var terms = _analyzer.Terms("What is the patient's dose of warfarin?");

        Assert.Equal(["patient", "dose", "warfarin"], terms.Where(t => t.Length > 1).Distinct());
        Assert.DoesNotContain("patient's", terms);
        Assert.DoesNotContain(terms, t => t is "what" or "is" or "the" or "of");
    }

    [Fact]
    public void Terms_QueryAndPassageSpellings_Meet()
    {
        // A query term matches the passage only if both sides analyse to the same term.
        var passage = _analyzer.Terms("Patients with T2DM had their HbA1c and COVID-19 status recorded.");
        var query = _analyzer.Terms("t2dm hba1c covid-19 patient");

        Assert.All(query, term => Assert.Contains(term, passage));
    }

    public void Dispose() => _analyzer.Dispose();
}
