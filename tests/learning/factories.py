import factory

from auzolan.learning.models import (
    Answer,
    Area,
    AuthorisedEditor,
    Competence,
    Framework,
    Level,
    Module,
    Path,
    PathItem,
    Piece,
    Question,
    Topic,
)
from tests.organisations.factories import OrganisationFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    title = factory.Sequence(lambda n: f"Thème {n}")
    description = "Un thème de formation."


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"module-{n}")
    topic = factory.SubFactory(TopicFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "Un module court."
    level = "debutant"
    minutes = 10
    audiences = ["elu"]
    objectives = ["Comprendre", "Agir"]
    state = Module.State.PUBLISHED


class PieceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Piece

    module = factory.SubFactory(ModuleFactory)
    key = factory.Sequence(lambda n: f"etape-{n}")
    position = factory.Sequence(lambda n: n)
    kind = Piece.Kind.TEXT
    title = factory.Sequence(lambda n: f"Étape {n}")
    body = "Un **texte**."


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    piece = factory.SubFactory(PieceFactory, kind=Piece.Kind.QUIZ, body="")
    key = factory.Sequence(lambda n: f"q{n}")
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.SINGLE
    text = factory.Sequence(lambda n: f"Question {n} ?")


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    key = factory.Sequence(lambda n: f"r{n}")
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Réponse {n}")
    correct = False
    feedback = factory.Sequence(lambda n: f"Retour {n}")


class PathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Path

    slug = factory.Sequence(lambda n: f"parcours-{n}")
    title = factory.Sequence(lambda n: f"Parcours {n}")
    audience = "elu"
    description = "Un parcours."


class PathItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PathItem

    path = factory.SubFactory(PathFactory)
    position = factory.Sequence(lambda n: n)
    module = factory.SubFactory(ModuleFactory)


class AuthorisedEditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorisedEditor

    organisation = factory.SubFactory(OrganisationFactory)


def quiz(module, *, key="quiz", pass_mark=60, max_attempts=None, quiz_role=""):
    """A quiz with three questions: single (a right), multiple (a and b right), true_false (vrai right)."""
    piece = PieceFactory(
        module=module,
        key=key,
        kind=Piece.Kind.QUIZ,
        body="",
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        quiz_role=quiz_role,
        title="Quiz",
    )
    single = QuestionFactory(piece=piece, key="single", kind=Question.Kind.SINGLE, text="Choix unique ?")
    AnswerFactory(question=single, key="a", correct=True, text="Bonne")
    AnswerFactory(question=single, key="b", text="Mauvaise", feedback="Non, relisez l'étape 1.")
    multiple = QuestionFactory(piece=piece, key="multiple", kind=Question.Kind.MULTIPLE, text="Choix multiple ?")
    AnswerFactory(question=multiple, key="a", correct=True, text="Juste A")
    AnswerFactory(question=multiple, key="b", correct=True, text="Juste B")
    AnswerFactory(question=multiple, key="c", text="Fausse C")
    true_false = QuestionFactory(piece=piece, key="tf", kind=Question.Kind.TRUE_FALSE, text="Vrai ou faux ?")
    AnswerFactory(question=true_false, key="vrai", correct=True, text="Vrai")
    AnswerFactory(question=true_false, key="faux", text="Faux")
    return piece


RIGHT = {"single": ["a"], "multiple": ["a", "b"], "tf": ["vrai"]}


def module_with_pieces(count=4, **kwargs):
    module = ModuleFactory(**kwargs)
    pieces = [PieceFactory(module=module, key=f"p{i}", position=i, title=f"Étape {i}") for i in range(1, count + 1)]
    return module, pieces


def framework_with_competences(code="digcomp-test", version="2.2", levels=8):
    """A small framework: one area, competences 1.1 and 1.2, levels 1..`levels`."""
    framework = Framework.objects.create(code=code, version=version, title=f"{code} {version}")
    area = Area.objects.create(framework=framework, code="1", title="Information")
    for number in range(1, levels + 1):
        Level.objects.create(framework=framework, number=number, name=f"Niveau {number}")
    c11 = Competence.objects.create(framework=framework, area=area, code="1.1", title="Naviguer, rechercher")
    c12 = Competence.objects.create(framework=framework, area=area, code="1.2", title="Évaluer les données")
    return framework, c11, c12


def path_of_two_modules(*, title="Élu·e et numérique", competences=()):
    """A published path of two modules (two and one text pieces) and a workshop item; the competences go to the first
    module, the first competence to the second too."""
    path = PathFactory(title=title)
    first, first_pieces = module_with_pieces(2)
    second, second_pieces = module_with_pieces(1)
    first.competences.add(*competences)
    if competences:
        second.competences.add(competences[0])
    PathItemFactory(path=path, module=first)
    PathItemFactory(path=path, module=second)
    PathItemFactory(path=path, module=None, workshop_title="Atelier en mairie")  # not required
    return path, [(first, first_pieces), (second, second_pieces)]
