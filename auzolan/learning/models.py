"""Learning (programme 1, acculturation): a competence framework stored as versioned data, topics, short modules made
of ordered pieces (text, video, document, resource, quiz, workshop), learning paths, and each person's progress.

Progress is keyed by a piece's stable `key`, never by its row: fixing a typo keeps it, removing a piece drops only that
piece's completion. A module's `revision` goes up each time a published module is edited."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager

MIN_MINUTES = 5
MAX_MINUTES = 45
COMMENT_MAX = 2000


# --- Competence frameworks (versioned data: DigComp 2.2 ships with the platform) -------------------------------------
class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("titre"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    licence = models.TextField(_("licence"), blank=True)

    class Meta:
        verbose_name = _("référentiel de compétences")
        verbose_name_plural = _("référentiels de compétences")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="learning_framework_unique")]
        ordering = ["code", "version"]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class Area(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("titre"), max_length=300)
    title_en = models.CharField(_("titre en anglais"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("domaine de compétences")
        verbose_name_plural = _("domaines de compétences")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="learning_area_unique")]
        ordering = ["framework", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Competence(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competences")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("titre"), max_length=300)
    title_en = models.CharField(_("titre en anglais"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="learning_competence_unique")]
        ordering = ["framework", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("numéro"))
    name = models.CharField(_("nom"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("niveau de maîtrise")
        verbose_name_plural = _("niveaux de maîtrise")
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="learning_level_unique")]
        ordering = ["framework", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


# --- Catalogue --------------------------------------------------------------------------------------------------------
class Audience(models.TextChoices):
    ELU = "elu", _("Élus")
    AGENT = "agent", _("Agents")
    SECRETAIRE = "secretaire", _("Secrétaires de mairie")
    REFERENT_DONNEES = "referent_donnees", _("Référents données")


class Topic(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    title_eu = models.CharField(_("titre en basque"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    competences = models.ManyToManyField(Competence, blank=True, related_name="topics", verbose_name=_("compétences"))
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class AuthorisedEditor(models.Model):
    """A partner organisation whose editors may write modules (set by agency staff)."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="learning_authorisation",
        verbose_name=_("organisation"),
    )
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(_("autorisée le"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("organisation autorisée à rédiger des modules")
        verbose_name_plural = _("organisations autorisées à rédiger des modules")

    def __str__(self) -> str:
        return str(self.organisation)


class Level3(models.TextChoices):
    DEBUTANT = "debutant", _("Débutant")
    INTERMEDIAIRE = "intermediaire", _("Intermédiaire")
    AVANCE = "avance", _("Avancé")


class Module(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        ARCHIVED = "archived", _("Archivé")

    Level = Level3

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="modules", verbose_name=_("thème"))
    title = models.CharField(_("titre"), max_length=200)
    title_eu = models.CharField(_("titre en basque"), max_length=200, blank=True)
    summary = models.TextField(_("résumé"), max_length=1000)
    level = models.CharField(_("niveau"), max_length=20, choices=Level3.choices, default=Level3.DEBUTANT)
    minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    audiences = models.JSONField(_("publics"), default=list, blank=True)
    objectives = models.JSONField(_("objectifs"), default=list, blank=True)
    competences = models.ManyToManyField(Competence, blank=True, related_name="modules", verbose_name=_("compétences"))
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_modules",
        verbose_name=_("organisation autrice"),
        help_text=_("Vide pour un module de l'agence."),
    )
    revision = models.PositiveIntegerField(_("révision"), default=1)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)  # loaded from a content file: its hash

    objects = TenantManager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["topic__position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=MIN_MINUTES, minutes__lte=MAX_MINUTES), name="learning_module_minutes"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:module_detail", kwargs={"module_slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(a, a)) for a in self.audiences]


class Piece(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Texte")
        VIDEO = "video", _("Vidéo")
        DOCUMENT = "document", _("Document (PDF, diaporama)")
        RESOURCE = "resource", _("Ressource à consulter")
        QUIZ = "quiz", _("Quiz")
        WORKSHOP = "workshop", _("Atelier")

    class QuizRole(models.TextChoices):
        NONE = "", _("Quiz simple")
        PRE = "pre", _("Test de positionnement (avant)")
        POST = "post", _("Test final (après)")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="pieces")
    key = models.SlugField(_("clé"), max_length=80, help_text=_("Stable : la progression des personnes s'y rattache."))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte (Markdown)"), blank=True, max_length=50_000)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    url = models.URLField(_("lien"), blank=True, max_length=500)
    file = models.FileField(_("fichier"), upload_to="learning/pieces/", blank=True, max_length=300)
    transcript = models.TextField(_("transcription"), blank=True, max_length=50_000)
    captions = models.FileField(_("sous-titres (WebVTT)"), upload_to="learning/captions/", blank=True, max_length=300)
    # workshop
    starts_at = models.DateTimeField(_("date"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    # quiz
    pass_mark = models.PositiveSmallIntegerField(
        _("note pour réussir (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("nombre de tentatives"), null=True, blank=True, help_text=_("Vide : illimité.")
    )
    quiz_role = models.CharField(_("rôle du quiz"), max_length=10, choices=QuizRole.choices, blank=True, default="")

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["module", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["module", "key"], name="learning_piece_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_quiz(self) -> bool:
        return self.kind == self.Kind.QUIZ

    @property
    def is_required(self) -> bool:
        """A workshop is completed by attending it (reported by a workshop provider): not needed to finish the
        module online."""
        return self.kind != self.Kind.WORKSHOP

    def clean(self) -> None:
        errors = {}
        k = self.Kind
        if self.kind == k.TEXT and not self.body.strip():
            errors["body"] = _("Un texte ne peut pas être vide.")
        if self.kind == k.VIDEO:
            if not (self.file or self.url):
                errors["url"] = _("Une vidéo demande un fichier ou un lien.")
            if not (self.transcript.strip() or self.captions):
                errors["transcript"] = _(
                    "Une vidéo doit avoir une transcription ou un fichier de sous-titres : sans eux, elle n'est pas "
                    "accessible aux personnes sourdes ou malentendantes."
                )
        if self.kind == k.DOCUMENT and not self.file:
            errors["file"] = _("Déposez le document (PDF ou diaporama).")
        if self.kind == k.RESOURCE and not (self.file or self.url):
            errors["url"] = _("Une ressource demande un lien ou un fichier.")
        if self.max_attempts == 0:
            errors["max_attempts"] = _("Au moins une tentative, ou vide pour illimité.")
        if errors:
            raise ValidationError(errors)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Choix unique")
        MULTIPLE = "multiple", _("Choix multiple")
        TRUE_FALSE = "true_false", _("Vrai ou faux")

    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("clé"), max_length=80)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(_("question"), max_length=2000)
    explanation = models.TextField(_("explication"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["piece", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["piece", "key"], name="learning_question_key_unique")]

    def __str__(self) -> str:
        return self.text[:80]


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    key = models.SlugField(_("clé"), max_length=80)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    text = models.CharField(_("réponse"), max_length=1000)
    correct = models.BooleanField(_("bonne réponse"), default=False)
    feedback = models.TextField(_("retour"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["question", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="learning_answer_key_unique")]

    def __str__(self) -> str:
        return self.text[:80]


class Path(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    title_eu = models.CharField(_("titre en basque"), max_length=200, blank=True)
    audience = models.CharField(_("public"), max_length=30, choices=Audience.choices)
    description = models.TextField(_("description"), blank=True)
    published = models.BooleanField(_("publié"), default=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:path_detail", kwargs={"path_slug": self.slug})


class PathItem(models.Model):
    """A module of the path, or an in-person workshop (title and description)."""

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("ordre"), default=0)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, null=True, blank=True, related_name="path_items")
    workshop_title = models.CharField(_("atelier"), max_length=200, blank=True)
    workshop_description = models.TextField(_("description de l'atelier"), blank=True)

    class Meta:
        verbose_name = _("étape de parcours")
        verbose_name_plural = _("étapes de parcours")
        ordering = ["path", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(module__isnull=False) & models.Q(workshop_title=""))
                | (models.Q(module__isnull=True) & ~models.Q(workshop_title="")),
                name="learning_pathitem_module_or_workshop",
            )
        ]

    def __str__(self) -> str:
        return self.module.title if self.module_id else self.workshop_title


# --- Learners ---------------------------------------------------------------------------------------------------------
class LearnerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile")
    share_progress_with_organisation = models.BooleanField(
        _("partager ma progression avec mon organisation"),
        default=False,
        help_text=_(
            "Les responsables de votre commune ou organisation verront les modules et parcours que vous avez suivis."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil d'apprenant")
        verbose_name_plural = _("profils d'apprenant")

    def __str__(self) -> str:
        return str(self.user)


class Progress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("temps passé (secondes)"), default=0)
    last_piece_key = models.CharField(_("dernière étape"), max_length=80, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("progression")
        verbose_name_plural = _("progressions")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="learning_progress_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.module}"

    @property
    def minutes_spent(self) -> int:
        return (self.seconds_spent + 59) // 60


class PieceCompletion(models.Model):
    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="completions")
    piece_key = models.CharField(max_length=80)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["progress", "piece_key"], name="learning_completion_unique")]

    def __str__(self) -> str:
        return self.piece_key


class QuizAttempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict)  # {question key: [answer keys]}
    score = models.PositiveSmallIntegerField()  # percent of questions right
    passed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["piece", "user", "number"]
        constraints = [models.UniqueConstraint(fields=["user", "piece", "number"], name="learning_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.piece} #{self.number}"


class Feedback(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_feedback")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="feedback")
    useful = models.BooleanField(_("utile"))
    clear = models.PositiveSmallIntegerField(_("clarté"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("commentaire"), blank=True, max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="learning_feedback_unique"),
            models.CheckConstraint(condition=models.Q(clear__gte=1, clear__lte=5), name="learning_feedback_clear"),
        ]

    def __str__(self) -> str:
        return f"{self.module} ({self.clear}/5)"


# --- Attestations -----------------------------------------------------------------------------------------------------
def new_public_id() -> str:
    """An attestation's public identifier: 128 random bits (unguessable), URL-safe."""
    return secrets.token_urlsafe(16)


class Attestation(models.Model):
    """A person completed every module of a published path. The facts printed on the PDF are frozen here at issue time
    (renaming the path or the person later changes nothing); the verification page reads them, never the URL. When the
    account is deleted, the facts are erased and the row stays as a tombstone (`erased_at`): the page then says the
    attestation no longer exists."""

    public_id = models.CharField(_("identifiant public"), max_length=32, unique=True, default=new_public_id)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_attestations"
    )
    path = models.ForeignKey(Path, on_delete=models.SET_NULL, null=True, blank=True, related_name="attestations")
    holder_name = models.CharField(_("titulaire"), max_length=150, blank=True)
    path_title = models.CharField(_("parcours"), max_length=200, blank=True)
    competences = models.JSONField(_("compétences"), default=list, blank=True)  # [{"code", "title"}], frozen
    minutes = models.PositiveIntegerField(_("durée (minutes)"), default=0)
    completed_on = models.DateField(_("terminé le"), null=True, blank=True)
    issued_at = models.DateTimeField(_("délivrée le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    revoked_reason = models.CharField(_("motif de révocation"), max_length=300, blank=True)
    erased_at = models.DateTimeField(_("effacée le"), null=True, blank=True)
    # Open Badges 2.0: the recipient as "sha256$" + SHA-256(e-mail + salt), computed at issue time (no e-mail stored)
    badge_salt = models.CharField(max_length=32, blank=True, editable=False)
    badge_identity = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path"],
                condition=models.Q(revoked_at__isnull=True, erased_at__isnull=True),
                name="learning_attestation_live_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.path_title} — {self.holder_name}" if self.erased_at is None else self.public_id

    def get_absolute_url(self) -> str:
        return reverse("learning:attestation_verify", kwargs={"public_id": self.public_id})


# --- Self-assessment --------------------------------------------------------------------------------------------------
class SelfAssessment(models.Model):
    """A person's positioning on the competences of a path, before starting it or after completing it, on one version
    of a framework (DigComp 3.0 can sit beside 2.2: answers stay attached to the version they were given on)."""

    class Moment(models.TextChoices):
        BEFORE = "before", _("avant le parcours")
        AFTER = "after", _("après le parcours")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_assessments")
    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("auto-positionnement")
        verbose_name_plural = _("auto-positionnements")
        constraints = [
            models.UniqueConstraint(fields=["user", "path", "framework", "moment"], name="learning_assessment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.get_moment_display()})"


class SelfAssessmentAnswer(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="assessment_answers")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="assessment_answers")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competence"], name="learning_assessment_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competence.code}: {self.level.number}"


# --- The training map's open dataset ----------------------------------------------------------------------------------
class TrainingDataset(models.Model):
    """The agency's open dataset of the territory training map (a single row): the dataset and its resource, so that
    each publication adds a version to the same resource."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("jeu de données"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resource = models.CharField(_("ressource"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeu de données de la carte des formations")
        verbose_name_plural = _("jeu de données de la carte des formations")

    def __str__(self) -> str:
        return str(self.dataset or "—")
