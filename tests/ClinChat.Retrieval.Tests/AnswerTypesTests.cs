using ClinChat.Retrieval.Search;

namespace ClinChat.Retrieval.Tests;

public sealed class AnswerTypesTests
{
    [Theory]
    [InlineData("How is gout treated?", AnswerType.Treatment)]
    [InlineData("What are the symptoms of gout?", AnswerType.Symptoms)]
    [InlineData("What causes gout?", AnswerType.Causes)]
    [InlineData("How is gout diagnosed?", AnswerType.Diagnosis)]
    [InlineData("Is gout inherited?", AnswerType.Inheritance)]
    [InlineData("How can gout be prevented?", AnswerType.Prevention)]
    [InlineData("What is the outlook for gout?", AnswerType.Outlook)]
    [InlineData("How many people have gout?", AnswerType.Frequency)]
    [InlineData("What is gout?", AnswerType.Definition)]
    public void Classify_Question_FindsTheAskedAnswerType(string question, AnswerType expected)
    {
        Assert.Contains(expected, AnswerTypes.Classify(question));
    }

    [Fact]
    public void Classify_WhatAreTheSymptoms_IsNotAlsoADefinitionQuestion()
    {
        Assert.DoesNotContain(AnswerType.Definition, AnswerTypes.Classify("What are the symptoms of gout?"));
    }

    [Fact]
    public void Classify_NoCue_ReturnsNothing() => Assert.Empty(AnswerTypes.Classify("gout"));

    [Fact]
    public void Match_TreatmentQuestion_PrefersTreatmentPassageOverSymptomPassage()
    {
        var asked = AnswerTypes.Classify("How is gout treated?");
        var treatment = AnswerTypes.Profile(SyntheticCorpus.Files[SyntheticCorpus.GoutTreatment]);
        var symptoms = AnswerTypes.Profile(SyntheticCorpus.Files[SyntheticCorpus.GoutSymptoms]);

        Assert.True(AnswerTypes.Match(asked, treatment) > AnswerTypes.Match(asked, symptoms));
    }

    [Fact]
    public void Match_SymptomQuestion_PrefersSymptomPassageOverTreatmentPassage()
    {
        var asked = AnswerTypes.Classify("What are the symptoms of gout?");
        var treatment = AnswerTypes.Profile(SyntheticCorpus.Files[SyntheticCorpus.GoutTreatment]);
        var symptoms = AnswerTypes.Profile(SyntheticCorpus.Files[SyntheticCorpus.GoutSymptoms]);

        Assert.True(AnswerTypes.Match(asked, symptoms) > AnswerTypes.Match(asked, treatment));
    }

    [Fact]
    public void Match_NothingAsked_IsNeutral()
    {
        Assert.Equal(0f, AnswerTypes.Match([], AnswerTypes.Profile("A gout flare is treated with colchicine.")));
    }

    [Fact]
    public void Profile_IsBoundedPerType()
    {
        var profile = AnswerTypes.Profile("treatment treatment treatment treatment therapy drugs medications dose mg");

        Assert.Equal(Enum.GetValues<AnswerType>().Length, profile.Length);
        Assert.All(profile, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(1f, profile[(int)AnswerType.Treatment]);
    }
}
