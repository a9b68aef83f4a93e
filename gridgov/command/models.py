"""The command center's own records (一张图): the cameras it watches, the video
platforms and AI boxes that send it alerts, those alerts, and where the grid workers'
handheld terminals last were."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.places.models import Area, InGrid


class CameraKind(models.TextChoices):
    BULLET = "bullet", _("枪机")
    DOME = "dome", _("球机")
    PANORAMIC = "panoramic", _("全景")
    AI = "ai", _("智能分析")


class StreamKind(models.TextChoices):
    RTSP = "rtsp", _("RTSP")
    HLS = "hls", _("HLS")
    WEB = "web", _("网页")


class CameraStatus(models.TextChoices):
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")
    FAULT = "fault", _("故障")


class Camera(InGrid):
    """A camera (摄像头) of the street's video network, placed on the map with the way it
    looks (`direction`, degrees clockwise from north; empty for a 360° dome) and its
    field of view. Its grid is found from its location, so alerts become cases there."""

    located = True

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("安装地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    direction = models.PositiveSmallIntegerField(_("朝向（度）"), null=True, blank=True)
    fov = models.PositiveSmallIntegerField(_("视场角（度）"), default=60)
    kind = models.CharField(_("类型"), max_length=12, choices=CameraKind.choices)
    stream_kind = models.CharField(
        _("视频流类型"), max_length=8, choices=StreamKind.choices, default=StreamKind.HLS
    )
    stream_url = models.CharField(_("视频流地址"), max_length=300, blank=True)
    vendor = models.CharField(_("厂商"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=CameraStatus.choices, default=CameraStatus.ONLINE
    )
    last_heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("摄像头")
        verbose_name_plural = _("摄像头")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["street", "status"], name="camera_street_status"),
            models.Index(fields=["community", "status"], name="camera_community_status"),
            models.Index(fields=["grid"], name="camera_grid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__isnull=True) | models.Q(direction__lt=360),
                name="camera_direction_degrees",
            ),
            models.CheckConstraint(
                condition=models.Q(fov__gte=1, fov__lte=360), name="camera_fov_degrees"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class AlertKind(models.Model):
    """A kind of camera alert a video platform or AI box sends (垃圾堆放, 占道经营…) and
    the case category it becomes. Reference data, seeded, and changed on the alert-kind
    pages (`alert_kind_views`) through the audited actions."""

    code = models.CharField(_("告警类型编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    category_code = models.CharField(_("案件类别编码"), max_length=16)

    class Meta:
        verbose_name = _("告警类型")
        verbose_name_plural = _("告警类型")
        ordering = ["code"]

    def __str__(self):
        return self.name


class AlertSource(models.Model):
    """A video platform or AI box allowed to send alerts for one street. It signs each
    request with its secret (HMAC-SHA256 over timestamp and body); the secret is stored
    encrypted and shown once, when the source is created."""

    name = models.CharField(_("名称"), max_length=100)
    key_id = models.CharField(_("接入标识"), max_length=32, unique=True)
    secret_cipher = models.TextField(editable=False)
    street = models.ForeignKey(
        Area, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+"
    )
    merge_minutes = models.PositiveIntegerField(
        _("合并窗口（分钟）"),
        default=30,
        help_text=_("同一摄像头、同一类型的告警在此时间内并入未结案件"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    last_used_at = models.DateTimeField(_("最近调用"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("告警接入方")
        verbose_name_plural = _("告警接入方")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CameraAlert(InGrid):
    """One alert a source sent, kept with the case it became or joined. Unique per
    source and the sender's own alert id, so a retried request changes nothing."""

    source = models.ForeignKey(AlertSource, on_delete=models.PROTECT, related_name="alerts")
    alert_id = models.CharField(_("告警编号"), max_length=64)
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="alerts")
    kind = models.ForeignKey(AlertKind, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("告警时间"))
    text = models.CharField(_("告警内容"), max_length=500, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    joined = models.BooleanField(_("并入已有案件"), default=False)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        verbose_name = _("摄像头告警")
        verbose_name_plural = _("摄像头告警")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "alert_id"], name="alert_once_per_source")
        ]
        indexes = [
            models.Index(fields=["camera", "kind", "occurred_at"], name="alert_camera_kind"),
        ]


class WorkerPosition(InGrid):
    """Where a grid worker's phone was at one moment (WGS84, accuracy in metres). Placed
    in the worker's own grid, not where they stood, so the scope rule shows a worker to
    those who manage them. Unique per worker and moment: a resent batch changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField()
    lat = models.FloatField()
    accuracy = models.FloatField(_("精度（米）"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("定位时间"))
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("网格员位置")
        verbose_name_plural = _("网格员位置")
        constraints = [
            models.UniqueConstraint(fields=["user", "recorded_at"], name="position_once")
        ]


class WorkerLocation(InGrid):
    """A grid worker's last known position: one row per worker, what the map shows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    lon = models.FloatField()
    lat = models.FloatField()
    accuracy = models.FloatField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("网格员最新位置")
        verbose_name_plural = _("网格员最新位置")
        indexes = [models.Index(fields=["street", "recorded_at"], name="location_street_time")]
