from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from ..provider import StravaAdapter

oauth2_login = OAuth2LoginView.adapter_view(StravaAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(StravaAdapter)
