from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gridgov.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from gridgov.core.audit import register_action_labels

        register_action_labels(
            {
                "account.login": _("登录"),
                "account.logout": _("退出登录"),
                "account.create": _("新建账号"),
                "account.enable": _("启用账号"),
                "account.disable": _("停用账号"),
                "account.reset_password": _("重置密码"),
                "account.change_password": _("修改密码"),
                "account.assign_role": _("分配角色"),
                "account.revoke_role": _("撤销角色"),
                "account.start_totp": _("开始绑定验证器"),
                "account.enrol_totp": _("绑定验证器"),
                "token.create": _("创建 API 令牌"),
                "token.revoke": _("吊销 API 令牌"),
                "department.create": _("新建职能部门"),
            }
        )
