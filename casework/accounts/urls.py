from django.contrib.auth import views as auth_views
from django.urls import path

from casework.accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("demo-sign-in/", views.demo_sign_in, name="demo_sign_in"),
    path("mfa/", views.mfa_security, name="mfa_security"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/recovery-code/", views.mfa_recover, name="mfa_recover"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("mfa/recovery-codes/new/", views.mfa_new_recovery_codes, name="mfa_new_recovery_codes"),
]
