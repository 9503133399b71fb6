#version 330 core
// A large square on y = 0 centred under the camera's target.
layout(location = 0) in vec3 a_position;

uniform mat4 u_view_proj;
uniform vec3 u_centre;
uniform float u_half_size;

out vec3 v_world;

void main() {
    v_world = vec3(u_centre.x, 0.0, u_centre.z) + a_position * u_half_size;
    gl_Position = u_view_proj * vec4(v_world, 1.0);
}
